"""Demo data: every council and region from the published statistics, a few providers, and one user per role."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Organisation, Role, User
from accounts.reference_data import load_local_authorities

DEMO_PASSWORD = "demo-password-2026"  # nosec B105 # demo users exist only with DEMO_MODE on
# Each feature app adds its own demo records (idempotent) on top of the people and organisations made here.
FEATURE_DEMO_COMMANDS = [
    "seed_register_demo",
    "seed_workforce_demo",
    "seed_courses_demo",
    "seed_accreditation_demo",
    "seed_training_demo",
    # one line per app, in the order their data depends on each other
]
# A fixed secret so the demo assessor and regulator can sign in; `manage.py demo_totp` prints the code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # nosec B105 # demo-only, as above
DEMO_LA_NUMBER = "383"  # Leeds

OTHER_ORGANISATIONS = [
    ("Social Work England", Organisation.Kind.REGULATOR, ""),
    ("National Assessment Centre for Child and Family Social Work", Organisation.Kind.ASSESSMENT_CENTRE, ""),
    ("University of Leeds", Organisation.Kind.EDUCATION_PROVIDER, ""),
    ("University of Sussex", Organisation.Kind.EDUCATION_PROVIDER, ""),
    ("Manchester Metropolitan University", Organisation.Kind.EDUCATION_PROVIDER, ""),
    ("Frontline", Organisation.Kind.EDUCATION_PROVIDER, ""),
    ("Achieving for Children", Organisation.Kind.OTHER_EMPLOYER, Organisation.EmployerType.TRUST),
    ("Northern Social Care Locums", Organisation.Kind.OTHER_EMPLOYER, Organisation.EmployerType.AGENCY),
]

DEMO_USERS = [
    # email, first, last, role, organisation (name or LA number)
    ("social.worker@example.com", "Sam", "Okafor", Role.SOCIAL_WORKER, DEMO_LA_NUMBER),
    ("line.manager@example.com", "Priya", "Shah", Role.LINE_MANAGER, DEMO_LA_NUMBER),
    (
        "assessor@example.com",
        "Alex",
        "Morgan",
        Role.ASSESSOR,
        "National Assessment Centre for Child and Family Social Work",
    ),
    ("workforce.lead@example.com", "Jo", "Bennett", Role.WORKFORCE_LEAD, DEMO_LA_NUMBER),
    ("course.lead@example.com", "Chris", "Evans", Role.COURSE_LEAD, "University of Leeds"),
    ("regulator@example.com", "Ruth", "Adeyemi", Role.REGULATOR_STAFF, "Social Work England"),
]


class Command(BaseCommand):
    help = "Load reference data and demo users. Safe to run again: a second run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Create demo users even when DEBUG is off.")
        parser.add_argument("--quiet-users", action="store_true", help="Do not print the demo sign-ins.")

    def handle(self, *args, demo=False, quiet_users=False, **options):
        if not (settings.DEBUG or settings.DEMO_MODE or demo):
            raise CommandError("Demo users have known passwords: run with DEBUG on, or pass --demo on purpose.")
        source = settings.SHARED_DATA_DIR / "csww_indicators_2017_to_2024.csv"
        if not source.exists():
            raise CommandError(f"Cannot find the published statistics at {source}.")
        with transaction.atomic():
            counts = load_local_authorities(source)
            for name, kind, employer_type in OTHER_ORGANISATIONS:
                Organisation.objects.get_or_create(name=name, kind=kind, defaults={"employer_type": employer_type})
            created_users = sum(self._demo_user(*spec) for spec in DEMO_USERS)
        for command in FEATURE_DEMO_COMMANDS:
            if command in get_commands():
                call_command(command, stdout=self.stdout)
        self.stdout.write(
            f"Reference data: {counts['regions']} new regions, {counts['local_authorities']} new local authorities, "
            f"{counts['ons_codes']} new ONS codes; {created_users} new demo users."
        )
        if not quiet_users:
            self.stdout.write(self.style.SUCCESS(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):"))
            for email, _, _, role, _ in DEMO_USERS:
                extra = "  (then the code from `make demo-code`)" if role in settings.MFA_REQUIRED_ROLES else ""
                self.stdout.write(f"  {Role(role).label:<24} {email}{extra}")

    def _demo_user(self, email, first_name, last_name, role, organisation_key) -> bool:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        organisation = (
            Organisation.objects.get(la_number=organisation_key)
            if organisation_key.isdigit()
            else Organisation.objects.get(name=organisation_key)
        )
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role, ended_on=None)
        if (
            role in settings.MFA_REQUIRED_ROLES
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(user)
        return created
