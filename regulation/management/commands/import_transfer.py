"""Load a predecessor's transfer bundle: python manage.py import_transfer DIR --by EMAIL. Verifies first; all or
nothing; the load or its refusal is audited under the person named."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from regulation.transfer.importer import TransferRefused
from regulation.transfer.loading import import_from_command_line


class Command(BaseCommand):
    help = "Verify a transfer bundle, then load it into an empty register in one transaction (audited)."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--by", required=True, help="Email of the regulator staff account doing the load (recorded in the audit)."
        )

    def handle(self, *args, **options):
        by = User.objects.filter(email__iexact=options["by"]).first()
        if by is None or not by.has_perm("regulation.transfer_register"):
            raise CommandError(f"{options['by']} is not a regulator staff account here: the load must be recorded.")
        try:
            loaded = import_from_command_line(options["directory"], by=by)
        except TransferRefused as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError("Nothing was loaded.") from exc
        for name, rows in loaded.items():
            self.stdout.write(f"{name}: {rows} rows loaded")
        self.stdout.write(self.style.SUCCESS("The bundle was loaded."))
