"""Make a regulator staff account on a new service: python manage.py create_staff --email EMAIL --first-name NAME
--last-name NAME --organisation "REGULATOR". The password is asked for twice (or read from standard input with
--password-stdin); the first sign-in then sets up two-factor authentication."""

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from accounts.services import ServiceError, create_staff


class Command(BaseCommand):
    help = "Create a regulator staff account (for a new service: the first person, who can then load a bundle)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument(
            "--organisation", required=True, help="This regulator's name (its organisation is made if new)."
        )
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input (for scripts)."
        )

    def handle(self, *args, **options):
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match; nothing was created.")
        try:
            user = create_staff(
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                organisation=options["organisation"],
                password=password,
            )
        except ServiceError as exc:
            raise CommandError(f"{exc} Nothing was created.") from exc
        self.stdout.write(self.style.SUCCESS(f"{user.email} is regulator staff at {options['organisation']}."))
        self.stdout.write(
            "At the first sign-in the service asks them to set up an authenticator app (two-factor sign-in is "
            "required for regulator staff). They can then load a predecessor's bundle: Transfer → Upload a transfer "
            f"bundle, or python manage.py import_transfer DIR --by {user.email}"
        )
