"""Demo register data for the demo social worker. Safe to run again: a second run changes nothing."""

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from regulation import services
from regulation.models import Application, RegisterEntry

DEMO_EMAIL = "social.worker@example.com"
REGULATOR_EMAIL = "regulator@example.com"
LEEDS_LA_NUMBER = "383"
UNMATCHED_EMAIL = "pat.quinn@example.com"


class Command(BaseCommand):
    help = "Give the demo social worker a registration, CPD records and an employment at Leeds (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        self._application_to_match()
        worker = User.objects.filter(email=DEMO_EMAIL).first()
        if worker is None:
            self.stdout.write("Register demo: no demo social worker (run seed_demo first); nothing to do.")
            return
        if RegisterEntry.objects.filter(user=worker).exists():
            self.stdout.write("Register demo: already in place.")
            return
        regulator = User.objects.filter(email=REGULATOR_EMAIL).first()
        leeds = Organisation.objects.filter(la_number=LEEDS_LA_NUMBER).first()
        today = timezone.localdate()
        application = Application.objects.filter(applicant=worker, status__in=Application.OPEN).first()
        if application is None:
            application = services.submit_application(
                applicant=worker,
                first_name=worker.first_name or "Sam",
                last_name=worker.last_name or "Okafor",
                date_of_birth=datetime.date(1990, 4, 12),
                email=worker.email,
                address="1 Park Row, Leeds LS1 5HN",
                qualification="MA Social Work, University of Leeds",
                qualified_on=datetime.date(2016, 7, 1),
                employer=None,
            )
        entry = services.approve_application(
            application=application, by=regulator or worker, reason="Demo data: qualification checked."
        )
        if leeds is not None:
            services.add_employment(
                entry=entry,
                by=worker,
                employer=leeds,
                role_title="Senior social worker, children in need",
                started_on=today - datetime.timedelta(days=400),
                fte=Decimal("1.00"),
                contract="permanent",
            )
        for days_ago, title, peer in [
            (20, "Trauma-informed practice workshop", "Priya Shah"),
            (5, "Reading: working with domestic abuse", ""),
        ]:
            services.record_cpd(
                entry=entry,
                by=worker,
                title=title,
                activity_date=max(today - datetime.timedelta(days=days_ago), entry.registered_on),
                learning="How to recognise and respond to what families tell us.",
                impact="I plan visits differently and record the child's voice first.",
                discussed_with_peer=bool(peer),
                peer_name=peer,
            )
        services.log_direct_work(
            entry=entry, by=worker, worked_on=today, hours=Decimal("6.5"), description="Home visits and direct work"
        )
        self.stdout.write(f"Register demo: {worker.email} registered as {entry.registration_number}.")

    def _application_to_match(self) -> None:
        """An applicant whose course is "not listed", so regulator staff's matching queue has one to match."""
        if Application.objects.filter(email=UNMATCHED_EMAIL).exists():
            return
        applicant, _ = User.objects.get_or_create(
            email=UNMATCHED_EMAIL, defaults={"first_name": "Pat", "last_name": "Quinn"}
        )
        services.submit_application(
            applicant=applicant,
            first_name="Pat",
            last_name="Quinn",
            date_of_birth=datetime.date(1970, 2, 3),
            email=UNMATCHED_EMAIL,
            address="3 Park Row, Leeds LS1 5HN",
            qualification="Diploma in Social Work, Leeds Polytechnic (now Leeds Beckett University)",
            qualified_on=datetime.date(1994, 7, 1),
            course_not_listed=True,
            health_declaration=False,
            character_declaration=False,
            convictions_declaration=False,
            declared=True,
        )
        self.stdout.write(f"Register demo: {UNMATCHED_EMAIL}'s application waits to be matched to a course.")
