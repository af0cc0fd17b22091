from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workforce.models import WorkforceReturn
from workforce.reference import import_published_statistics, import_statistical_neighbours
from workforce.services import import_returns


class Command(BaseCommand):
    help = (
        "Demo workforce data (safe to run again): the published 2017–2024 file as benchmarks, and the same "
        "figures as every council's past returns, so reports and the all-authorities page show real numbers."
    )

    def handle(self, *args, **options):
        source = settings.SHARED_DATA_DIR / "csww_indicators_2017_to_2024.csv"
        neighbours = settings.SHARED_DATA_DIR / "statistical_neighbours_2021.csv"
        if not source.exists():
            raise CommandError(f"Cannot find the published statistics at {source}.")
        published = import_published_statistics(source)
        linked = import_statistical_neighbours(neighbours) if neighbours.exists() else 0
        if WorkforceReturn.objects.exists():
            loaded = "returns already present, left as they are"
        else:
            counts = import_returns(data=source.read_bytes(), reason="Demo: past returns as published by the DfE")
            loaded = f"{counts['created']} past returns"
        self.stdout.write(
            f"Workforce demo: {published['created']} published rows added, {published['updated']} updated, "
            f"{linked} neighbour links, {loaded}."
        )
