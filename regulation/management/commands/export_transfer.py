"""Write a transfer bundle for a successor regulator: python manage.py export_transfer --out DIR [--since DATE]."""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from regulation.transfer.export import write_bundle


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date in the form YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Export the register, fitness-to-practise cases, conditions and courses as a transfer bundle."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Directory to create (must not exist).")
        parser.add_argument("--since", type=_date, help="Only rows changed on or after this date (YYYY-MM-DD).")
        parser.add_argument("--as-at", type=_date, help="The as-at date recorded in the manifest (default today).")
        parser.add_argument(
            "--created-at",
            type=datetime.datetime.fromisoformat,
            help="Creation time recorded in the manifest (default now), for a byte-identical re-run.",
        )
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, **options):
        terminal = sys.stderr.isatty()
        last = [-1]

        def progress(done, total, name):
            percent = int(done * 100 / total) if total else 100
            if terminal and percent != last[0]:
                bar = "#" * (percent // 4)
                sys.stderr.write(f"\r[{bar:<25}] {percent:3d}% {name:<24}")
                sys.stderr.flush()
                last[0] = percent

        created_at = options["created_at"]
        if created_at is not None and created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=datetime.UTC)
        try:
            manifest = write_bundle(
                options["out"],
                since=options["since"],
                as_at=options["as_at"],
                created_at=created_at,
                progress=progress,
                chunk_size=options["chunk_size"],
            )
        except FileExistsError as exc:
            raise CommandError(str(exc)) from exc
        if terminal:
            sys.stderr.write("\n")
        for _name, info in manifest["files"].items():
            if info["format"] == "csv":
                self.stdout.write(f"{info['dataset']}: {info['rows']} rows")
        self.stdout.write(self.style.SUCCESS(f"Bundle written to {options['out']}"))
