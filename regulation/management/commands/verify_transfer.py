"""Check a transfer bundle: python manage.py verify_transfer PATH (the zip as downloaded, or its unpacked folder).
Exits non-zero with every problem found."""

from django.core.management.base import BaseCommand, CommandError

from regulation.transfer.importer import TransferRefused, opened
from regulation.transfer.verify import verify_bundle


class Command(BaseCommand):
    help = "Check a transfer bundle (a zip or a folder) against its manifest and the format, without loading it."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The bundle: the zip as downloaded, or the folder it unpacks to.")

    def handle(self, *args, **options):
        try:
            with opened(options["path"]) as directory:
                report = verify_bundle(directory)
        except TransferRefused as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError("The bundle is not sound: it cannot be unpacked.") from exc
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"The bundle is not sound: {len(report.problems)} problem(s).")
        for name, rows in report.rows.items():
            self.stdout.write(f"{name}: {rows} rows")
        self.stdout.write(self.style.SUCCESS("The bundle is sound."))
