import json

from django.core.management.base import BaseCommand, CommandError

from workforce.reports import REPORT_COLUMNS, report_records, write_csv


class Command(BaseCommand):
    help = (
        "Every authority (or region, or England) in a year, to standard output: the published figure wherever the "
        "Department published one (its symbol kept), computed from submitted returns otherwise; the source column "
        "says which."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--level", choices=["la", "region", "national"], default="la")
        parser.add_argument("--format", choices=["csv", "json"], default="csv", dest="output_format")

    def handle(self, *args, year: int, level: str, output_format: str, **options):
        records = report_records(year, level)
        if not records:
            raise CommandError(f"There are no published figures or submitted returns for {year}.")
        if output_format == "json":
            self.stdout.write(json.dumps(records, indent=2))
        else:
            self.stdout.write(write_csv(REPORT_COLUMNS, records), ending="")
