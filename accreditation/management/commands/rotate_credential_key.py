"""Rotate the credential-signing key: python manage.py rotate_credential_key --by EMAIL.

With the key in CREDENTIAL_SIGNING_KEY_FILE (development, or a mounted secret file), a new key replaces it at once and
the old one stays published. With the key in CREDENTIAL_SIGNING_KEY (the environment), ``--write-to FILE`` makes the
new key for you to put there; it is recorded, and the old one retired, when it first signs.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.services import ServiceError
from accreditation.services import signing_keys

from ._staff import staff_member


class Command(BaseCommand):
    help = "Start signing credentials with a new key; every earlier key stays published, so nothing stops verifying."

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, help="Email of the regulator staff account rotating the key.")
        parser.add_argument("--write-to", help="Only write a new private key (PEM) to this new file, readable by you.")

    def handle(self, *args, **options):
        by = staff_member(options["by"])
        if options["write_to"]:
            target = Path(options["write_to"])
            try:
                public = signing_keys.write_new_key(target)
            except FileExistsError as exc:
                raise CommandError(f"{target} exists already: name a new file.") from exc
            self.stdout.write(
                f"A new key is in {target} ({signing_keys.fragment_for(public)}). Put its contents in "
                "CREDENTIAL_SIGNING_KEY and restart the web and worker processes; it is published when it first signs."
            )
            return
        try:
            record = signing_keys.rotate_key_file(by=by)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Now signing with {record.fragment}; earlier keys stay published."))
