"""Demo early-career cohorts at Leeds: one on each programme, at different points. Safe to run again."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from regulation import selectors as register
from regulation import services as register_services
from training import services
from training.models import Enrolment, Programme

LEEDS_LA_NUMBER = "383"
COORDINATOR = "line.manager@example.com"
SUPERVISOR = "social.worker@example.com"
REGULATOR = "regulator@example.com"
ASSESSOR = ("asye.assessor@example.com", "Grace", "Mensah", datetime.date(2009, 7, 1))
# email, first, last, days since the start, what the demo shows
PARTICIPANTS = [
    ("asye.overdue@example.com", "Tom", "Birch", 60, "overdue supervision"),
    ("asye.review@example.com", "Aisha", "Khan", 85, "3-month review due"),
    ("asye.paused@example.com", "Maya", "Reid", 150, "paused for parental leave"),
    ("asye.passed@example.com", "Leo", "Marsh", 380, "passed, on the register"),
]
ECP_PARTICIPANT = ("ecp.starter@example.com", "Nia", "Patel")


class Command(BaseCommand):
    help = "Demo ASYE cohort at Leeds (overdue, review due, paused, passed) and an early career programme starter."

    @transaction.atomic
    def handle(self, *args, **options):
        leeds = Organisation.objects.filter(la_number=LEEDS_LA_NUMBER).first()
        coordinator = User.objects.filter(email=COORDINATOR).first()
        supervisor = User.objects.filter(email=SUPERVISOR).first()
        regulator = User.objects.filter(email=REGULATOR).first()
        if not (leeds and coordinator and supervisor and regulator and register.entries_for_users([supervisor.pk])):
            self.stdout.write("Early career demo: run seed_demo and seed_register_demo first; nothing to do.")
            return
        if Enrolment.objects.filter(participant__email=PARTICIPANTS[0][0]).exists():
            self.stdout.write("Early career demo: already in place.")
            return
        today = timezone.localdate()
        assessor = self._registered(*ASSESSOR, leeds, regulator).user
        self._registered(
            COORDINATOR, coordinator.first_name, coordinator.last_name, datetime.date(2004, 7, 1), leeds, regulator
        )
        asye = Programme.objects.get(code="asye")
        team = {"supervisor": supervisor, "assessor": assessor, "line_manager": coordinator, "employer": leeds}
        for email, first, last, days, _ in PARTICIPANTS:
            start = today - datetime.timedelta(days=days)
            entry = self._registered(email, first, last, start - datetime.timedelta(days=70), leeds, regulator)
            e = services.enrol(
                by=coordinator,
                programme=asye,
                registration_number=entry.registration_number,
                start_date=start,
                team="Children in need, city centre",
                fte=Decimal("1"),
                cohort=f"{start:%B %Y}",
                **team,
            )
            self._story(e, email, today, coordinator, regulator)
        ecp = Programme.objects.get(code="ecp")
        ecp_start = max(ecp.available_from, today + datetime.timedelta(days=14))
        entry = self._registered(*ECP_PARTICIPANT, today - datetime.timedelta(days=90), leeds, regulator)
        services.enrol(
            by=coordinator,
            programme=ecp,
            registration_number=entry.registration_number,
            start_date=ecp_start,
            team="Family help, south",
            fte=Decimal("0.8"),
            **team,
        )
        self.stdout.write(f"Early career demo: {len(PARTICIPANTS) + 1} participants at {leeds.name}.")

    def _registered(self, email, first, last, qualified_on, employer, regulator):
        user, created = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
        if created:
            from allauth.account.models import EmailAddress

            from accounts.management.commands.seed_demo import DEMO_PASSWORD

            user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        Membership.objects.get_or_create(user=user, organisation=employer, role=Role.SOCIAL_WORKER, ended_on=None)
        entry = register.entries_for_users([user.pk]).get(user.pk)
        if entry is None:
            application = register_services.submit_application(
                applicant=user,
                first_name=first,
                last_name=last,
                date_of_birth=datetime.date(1982, 1 + user.pk % 12, 1 + user.pk % 27),
                email=email,
                address="1 Park Row, Leeds",
                qualification="BA Social Work, Leeds Beckett University",
                qualified_on=qualified_on,
                employer=employer,
            )
            entry = register_services.approve_application(
                application=application, by=regulator, reason="Demo data: qualification checked."
            )
        return entry

    def _story(self, e, email, today, coordinator, regulator):
        def sup(day):
            services.record_supervision(
                enrolment=e,
                by=e.supervisor,
                held_on=day,
                minutes=60,
                supervisor=e.supervisor,
                themes="Cases, reflection on a home visit, wellbeing",
            )

        judgements = dict.fromkeys(e.programme.standards, "on_track")
        services.record_learning_agreement(
            enrolment=e,
            by=e.supervisor,
            agreed_on=e.start_date + datetime.timedelta(days=5),
            development_needs="Court work and chronologies",
            support="Shadowing a senior; half a day a week",
        )
        for month_offset, cases in ((0, 8), (1, 10), (2, 12)):
            month = (e.start_date.replace(day=1) + datetime.timedelta(days=32 * month_offset)).replace(day=1)
            if month <= today:
                services.record_caseload(
                    enrolment=e,
                    by=coordinator,
                    month=month,
                    cases=cases,
                    experienced_caseload=getattr(settings, "TRAINING_DEMO_CASELOAD", 16),
                )

        def protect(weeks):
            for week in range(weeks):
                services.record_protected_time(
                    enrolment=e,
                    by=e.supervisor,
                    week_starting=e.start_date + datetime.timedelta(weeks=week),
                    hours=e.programme.protected_hours_per_week,
                    activity="Reading, reflective log and a practice workshop",
                )

        if "overdue" in email:
            for d in (7, 14, 21, 28, 35, 40):
                sup(e.start_date + datetime.timedelta(days=d))
            protect(3)  # and short of protected time since
        elif "review" in email:
            for d in (7, 14, 21, 28, 35, 42, 56, 70, 84):
                sup(min(today, e.start_date + datetime.timedelta(days=d)))
            protect((today - e.start_date).days // 7)
        elif "paused" in email:
            for d in (7, 14, 21, 28, 35, 42, 56, 70, 84, 98, 112, 126, 138):
                sup(e.start_date + datetime.timedelta(days=d))
            services.record_review(
                enrolment=e,
                by=e.assessor,
                point="3_months",
                held_on=e.point_due_on(e.programme.review_point("3_months")),
                judgements=judgements,
                evidence_seen="Two observations; feedback from a family",
                actions="Build court skills",
            )
            services.add_pause(
                enrolment=e,
                by=coordinator,
                kind="parental",
                starts_on=today - datetime.timedelta(days=10),
                ends_on=today + datetime.timedelta(days=30),
                reason="Parental leave",
            )
        elif "passed" in email:
            sup(e.start_date + datetime.timedelta(days=7))
            for point in ("3_months", "6_months", "final"):
                spec = e.programme.review_point(point)
                services.record_review(
                    enrolment=e,
                    by=e.assessor,
                    point=point,
                    held_on=e.point_due_on(spec),
                    judgements=dict.fromkeys(e.programme.standards, "met") if spec.get("final") else judgements,
                    evidence_seen="Observations, feedback, reflective log",
                    recommendation="pass" if spec.get("final") else "",
                    standard_evidence={s: "Observed and confirmed by feedback." for s in e.programme.standards}
                    if spec.get("final")
                    else None,
                )
            services.moderate_internally(
                enrolment=e, by=coordinator, decision="confirmed", reason="Evidence meets the framework"
            )
            e.refresh_from_db()
            if e.status == Enrolment.Status.AWAITING_EXTERNAL:
                services.moderate_externally(enrolment=e, by=regulator, decision="pass", reason="Sample agreed")
