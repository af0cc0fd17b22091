"""Load a predecessor's transfer bundle: python manage.py import_transfer PATH --by EMAIL (the zip as downloaded,
or its unpacked folder). Verifies first; all or nothing; the load or its refusal is audited under the person
named. A new service makes that person first: python manage.py create_staff."""

import sys

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
            loaded = import_from_command_line(options["directory"], by=by, progress=self._progress())
        except TransferRefused as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError("Nothing was loaded.") from exc
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        for name, rows in loaded.items():
            self.stdout.write(f"{name}: {rows} rows loaded")
        self.stdout.write(self.style.SUCCESS("The bundle was loaded."))

    def _progress(self):
        """Rows loaded so far, by dataset, on the terminal (the load is one transaction: nothing shows elsewhere)."""
        if not sys.stderr.isatty():
            return None

        def show(name: str, count: int) -> None:
            sys.stderr.write(f"\rLoading {name.replace('_', ' '):<32} {count:>10,} rows")
            sys.stderr.flush()

        return show
