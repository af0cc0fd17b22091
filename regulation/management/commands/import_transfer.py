"""Load a predecessor's transfer bundle: python manage.py import_transfer DIR. Verifies first; all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from regulation.transfer.importer import TransferRefused, import_bundle


class Command(BaseCommand):
    help = "Verify a transfer bundle, then load it into an empty register in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, **options):
        try:
            loaded = import_bundle(options["directory"])
        except TransferRefused as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError("Nothing was loaded.") from exc
        for name, rows in loaded.items():
            self.stdout.write(f"{name}: {rows} rows loaded")
        self.stdout.write(self.style.SUCCESS("The bundle was loaded."))
