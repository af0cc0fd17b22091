"""Load a predecessor's transfer bundle: python manage.py import_transfer PATH --by EMAIL (the zip as downloaded,
or its unpacked folder). Verifies first; all or nothing; the load or its refusal is audited under the person
named. A new service makes that person first: python manage.py create_staff."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from regulation.transfer.importer import TransferRefused
from regulation.transfer.loading import import_from_command_line


class Command(BaseCommand):
    help = "Verify a transfer bundle, then load it into an empty register in one transaction (audited)."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="path", help="The bundle: the zip, or the folder it unpacks to.")
        parser.add_argument(
            "--by", required=True, help="Email of the regulator staff account doing the load (recorded in the audit)."
        )

    def handle(self, *args, **options):
        by = User.objects.filter(email__iexact=options["by"]).first()
        if by is None or not by.has_perm("regulation.transfer_register"):
            raise CommandError(
                f"{options['by']} is not a regulator staff account here: the load must be recorded under one. "
                "A new service makes its first with: python manage.py create_staff"
            )
        try:
            loaded = import_from_command_line(options["directory"], by=by)
        except TransferRefused as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError("Nothing was loaded.") from exc
        for name, rows in loaded.items():
            self.stdout.write(f"{name}: {rows} rows loaded")
        self.stdout.write(self.style.SUCCESS("The bundle was loaded."))
