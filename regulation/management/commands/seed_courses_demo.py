"""Demo course approval data: providers with courses in every state. Safe to run again: a second run changes nothing."""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Region, User
from regulation.courses import services
from regulation.courses.models import Course, Standard

LEAD_EMAIL = "course.lead@example.com"
REGULATOR_EMAIL = "regulator@example.com"
PROVIDERS = [
    # name, region, UKPRN
    ("University of Leeds", "Yorkshire and The Humber", "10007795"),
    ("University of Sussex", "South East", "10007806"),
    ("Manchester Metropolitan University", "North West", "10004180"),
    ("Frontline", "London", ""),
]


def course_facts(title, award, level, mode, site, places, year):
    return {
        "title": title,
        "award": award,
        "level": level,
        "mode": mode,
        "site": site,
        "annual_places": places,
        "practice_days": 200,
        "statutory_placement_days": 170,
        "skills_days": 30,
        "first_intake": datetime.date(year, 9, 1),
    }


class Command(BaseCommand):
    help = "Education providers with courses in every approval state; the demo course lead sees Leeds's (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        regulator = User.objects.filter(email=REGULATOR_EMAIL).first()
        lead = User.objects.filter(email=LEAD_EMAIL).first()
        if regulator is None or lead is None:
            self.stdout.write(
                "Course demo: demo course lead or regulator missing (run seed_demo first); nothing to do."
            )
            return
        providers = {}
        for name, region_name, ukprn in PROVIDERS:
            organisation = Organisation.objects.filter(name=name, kind=Organisation.Kind.EDUCATION_PROVIDER).first()
            if organisation is None:
                continue
            provider = services.provider_for_organisation(organisation=organisation)
            if provider.region_id is None or not provider.ukprn:
                services.update_provider(
                    provider=provider,
                    by=regulator,
                    region=Region.objects.filter(name__iexact=region_name).first(),
                    ukprn=ukprn,
                    contact_email=f"social.work@{name.split()[-1].lower()}.example"
                    if "Leeds" not in name
                    else LEAD_EMAIL,
                )
            providers[name] = provider
        leeds = providers.get("University of Leeds")
        if leeds is None or Course.objects.filter(provider=leeds).exists():
            self.stdout.write("Course demo: already in place.")
            return
        today = timezone.localdate()

        def add(provider, *facts):
            return services.add_course(provider=provider, by=lead, **course_facts(*facts))

        def evidence(application):
            for standard in Standard:
                services.save_evidence(
                    application=application,
                    by=lead,
                    standard=standard.value,
                    text=f"How the course meets the standard for {standard.label.lower()}: see the course handbook.",
                )

        def send(course, kind="new"):
            application = services.start_application(course=course, by=lead, kind=kind)
            evidence(application)
            return services.submit_application(application=application, by=lead)

        def approve(course, conditions=None):
            application = send(course)
            for standard in Standard:
                services.review_standard(
                    application=application,
                    by=regulator,
                    standard=standard.value,
                    outcome="met_with_condition" if conditions and standard == Standard.CURRICULUM else "met",
                    reasons="Evidence seen and discussed at the visit.",
                )
            services.record_inspection(
                application=application,
                by=regulator,
                starts_on=today,
                ends_on=today,
                team="Ruth Adeyemi (lead inspector)\nA social worker from a local authority",
                report="Met staff, students, a practice educator and people who use services.",
            )
            return services.decide(
                application=application,
                by=regulator,
                outcome="approved_with_conditions" if conditions else "approved",
                reason="The course meets the standards.",
                conditions=conditions,
            )

        # Leeds: one course in every state the demo course lead should see.
        draft_course = add(
            leeds,
            "BA Social Work (part-time)",
            "BA (Hons) Social Work",
            "undergraduate",
            "part_time",
            "Leeds",
            20,
            today.year + 1,
        )
        draft = services.start_application(course=draft_course, by=lead, kind="new")
        services.save_evidence(
            application=draft, by=lead, standard="admissions", text="Interviews with people who use services."
        )

        review_course = add(
            leeds, "MA Social Work", "MA Social Work", "postgraduate", "full_time", "Leeds", 40, today.year + 1
        )
        waiting = send(review_course)
        services.assign(application=waiting, by=regulator, reviewer=regulator)
        services.request_information(
            application=waiting,
            by=regulator,
            question="Send the practice-learning agreements with your partner councils.",
            due_on=today + datetime.timedelta(days=21),
        )

        conditional = add(
            leeds, "BA Social Work", "BA (Hons) Social Work", "undergraduate", "full_time", "Leeds", 60, today.year
        )
        approve(
            conditional,
            conditions=[("Add teaching on the Mental Capacity Act to year 2.", today + datetime.timedelta(days=90))],
        )

        monitored = add(
            leeds,
            "Social Work Degree Apprenticeship",
            "BA (Hons) Social Work",
            "apprenticeship",
            "part_time",
            "Leeds and Bradford",
            25,
            today.year,
        )
        approve(monitored)
        services.open_monitoring_return(course=monitored, by=regulator, due_on=today + datetime.timedelta(days=30))

        closed = add(
            leeds,
            "PG Diploma Social Work",
            "PGDip Social Work",
            "postgraduate",
            "full_time",
            "Leeds",
            15,
            today.year - 5,
        )
        approve(closed)
        services.close_course(course=closed, by=regulator, reason="The university stopped recruiting to this course.")

        # Other providers: approved and formerly approved courses for the public list and the figures.
        for name, title, award, level, mode, site, places in [
            (
                "University of Sussex",
                "BSc Social Work",
                "BSc (Hons) Social Work",
                "undergraduate",
                "full_time",
                "Brighton",
                50,
            ),
            ("University of Sussex", "MA Social Work", "MA Social Work", "postgraduate", "full_time", "Brighton", 35),
            (
                "Manchester Metropolitan University",
                "BA Social Work",
                "BA (Hons) Social Work",
                "undergraduate",
                "full_time",
                "Manchester",
                90,
            ),
            (
                "Frontline",
                "Frontline programme",
                "PGDip Social Work",
                "fast_track",
                "full_time",
                "London and regions",
                450,
            ),
        ]:
            if name in providers:
                approve(add(providers[name], title, award, level, mode, site, places, today.year - 3))
        if "University of Sussex" in providers:
            withdrawn = add(
                providers["University of Sussex"],
                "BA Social Work (Hastings)",
                "BA (Hons) Social Work",
                "undergraduate",
                "part_time",
                "Hastings",
                15,
                today.year - 8,
            )
            approve(withdrawn)
            services.withdraw_approval(course=withdrawn, by=regulator, reason="Placements no longer met the standard.")
        self.stdout.write(f"Course demo: {Course.objects.count()} courses at {len(providers)} providers.")
