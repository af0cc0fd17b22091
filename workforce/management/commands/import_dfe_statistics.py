from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import ServiceError
from workforce.reference import import_published_statistics, import_statistical_neighbours


class Command(BaseCommand):
    help = "Load the DfE children's social work workforce file (every level, symbols kept) as benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--neighbours",
            type=Path,
            default=None,
            help="Statistical neighbours CSV (default: statistical_neighbours_2021.csv beside PATH or in "
            "SHARED_DATA_DIR).",
        )

    def handle(self, *args, path: Path, neighbours: Path | None, **options):
        if not path.exists():
            raise CommandError(f"No file at {path}.")
        try:
            counts = import_published_statistics(path)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        if neighbours is None:
            for candidate in (path.parent, Path(settings.SHARED_DATA_DIR)):
                if (candidate / "statistical_neighbours_2021.csv").exists():
                    neighbours = candidate / "statistical_neighbours_2021.csv"
                    break
        linked = import_statistical_neighbours(neighbours) if neighbours else 0
        self.stdout.write(
            f"Published statistics: {counts['created']} rows added, {counts['updated']} updated "
            f"({counts['years']} years); {linked} statistical neighbour links."
        )
