"""Check a transfer bundle: python manage.py verify_transfer DIR. Exits non-zero with every problem found."""

from django.core.management.base import BaseCommand, CommandError

from regulation.transfer.verify import verify_bundle


class Command(BaseCommand):
    help = "Check a transfer bundle against its manifest and the format, without loading it."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, **options):
        report = verify_bundle(options["directory"])
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"The bundle is not sound: {len(report.problems)} problem(s).")
        for name, rows in report.rows.items():
            self.stdout.write(f"{name}: {rows} rows")
        self.stdout.write(self.style.SUCCESS("The bundle is sound."))
