"""Add fitness-to-practise cases (with stages, orders, conditions) and courses (with approvals and status history)
to a register made by generate_register, with bulk inserts, for the transfer benchmark."""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from regulation.courses.models import Course, CourseApplication, CourseStatusChange, EducationProvider
from regulation.models import CaseStage, Condition, FitnessToPractiseCase, Order, RegisterEntry


class Command(BaseCommand):
    help = "Add N fitness-to-practise cases and M courses with their history (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=5000)
        parser.add_argument("--courses", type=int, default=400)
        parser.add_argument("--seed", type=int, default=1)

    @transaction.atomic
    def handle(self, *args, cases, courses, seed, **options):
        rng = random.Random(seed)  # nosec B311 # repeatable synthetic data, not a secret
        # Chosen by the seeded generator, not the database's random order, so the same seed gives the same cases.
        every_id = list(RegisterEntry.objects.order_by("pk").values_list("pk", flat=True))
        entry_ids = rng.sample(every_id, min(len(every_id), cases * 2))
        if len(entry_ids) < cases:
            raise CommandError("Run generate_register first: there are fewer entries than cases.")
        staff, _ = User.objects.get_or_create(email="benchmark.regulator@example.com", defaults={"is_active": False})
        now, today = timezone.now(), timezone.localdate()
        made = FitnessToPractiseCase.objects.bulk_create(
            [
                FitnessToPractiseCase(
                    entry_id=entry_ids[i],
                    concern="Concern about record keeping, raised by the employer",
                    source="Employer",
                    received_on=today - datetime.timedelta(days=rng.randint(1, 900)),
                    stage=rng.choice(["triage", "investigation", "case_examiners", "hearing"]),
                    opened_by=staff,
                    opened_at=now,
                )
                for i in range(cases)
            ]
        )
        CaseStage.objects.bulk_create(
            [
                CaseStage(case=c, stage=s, started_on=c.received_on, note="Generated", recorded_by=staff)
                for c in made
                for s in ("triage", "investigation")
            ]
        )
        ordered = [c for c in made if rng.random() < 0.2]
        orders = Order.objects.bulk_create(
            [
                Order(
                    case=c,
                    entry_id=c.entry_id,
                    kind="interim_conditions",
                    starts_on=c.received_on,
                    review_on=c.received_on + datetime.timedelta(days=90),
                    expires_on=c.received_on + datetime.timedelta(days=540),
                    reason="Generated",
                    made_by=staff,
                )
                for c in ordered
            ]
        )
        Condition.objects.bulk_create(
            [
                Condition(
                    entry_id=o.entry_id,
                    case_id=o.case_id,
                    order=o,
                    text="Work under supervision",
                    starts_on=o.starts_on,
                    ends_on=o.expires_on,
                    added_by=staff,
                )
                for o in orders
            ]
        )
        providers = []
        for n in range(max(1, courses // 10)):
            org = Organisation.objects.create(name=f"Generated University {n + 1}", kind="education_provider")
            providers.append(EducationProvider.objects.create(organisation=org))
        made_courses = Course.objects.bulk_create(
            [
                Course(
                    provider=providers[i % len(providers)],
                    title=f"Social Work {i + 1}",
                    award="BA (Hons) Social Work",
                    level="undergraduate",
                    mode="full_time",
                    site="Main campus",
                    annual_places=40,
                    first_intake=datetime.date(2020, 9, 1),
                    status="approved" if i % 5 else "closed",
                    approved_on=datetime.date(2020, 6, 1),
                    approval_ended_on=None if i % 5 else datetime.date(2024, 7, 31),
                )
                for i in range(courses)
            ]
        )
        applications = CourseApplication.objects.bulk_create(
            [
                CourseApplication(
                    course=c,
                    status="decided",
                    created_by=staff,
                    submitted_at=now,
                    outcome="approved",
                    decided_at=now,
                    decided_by=staff,
                    decision_reason="Meets the standards",
                )
                for c in made_courses
            ]
        )
        history = []
        for course, application in zip(made_courses, applications, strict=True):
            history.append(CourseStatusChange(course=course, to_status="proposed", reason="Course added"))
            history.append(
                CourseStatusChange(
                    course=course,
                    from_status="proposed",
                    to_status="approved",
                    reason="Approved",
                    application=application,
                )
            )
            if course.status == "closed":
                history.append(
                    CourseStatusChange(course=course, from_status="approved", to_status="closed", reason="Closed")
                )
        CourseStatusChange.objects.bulk_create(history)
        self.stdout.write(f"Added {cases:,} cases ({len(orders):,} with orders) and {courses:,} courses.")
