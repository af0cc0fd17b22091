import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from accounts.services import ServiceError
from workforce.services import import_returns
from workforce.validation import ReturnProblems


class Command(BaseCommand):
    help = (
        "Load workforce returns from a CSV (time_period, old_la_code and the counts). Every row or none: "
        "on any error each problem is printed (row, column, why) and the command exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--reason", default="", help="Why (recorded on every return loaded or corrected).")

    def handle(self, *args, path: Path, reason: str, **options):
        if not path.exists():
            self.stderr.write(f"No file at {path}.")
            sys.exit(1)
        try:
            counts = import_returns(data=path.read_bytes(), reason=reason or f"Loaded from {path.name}")
        except ReturnProblems as exc:
            for problem in exc.problems:
                self.stderr.write(f"row {problem.row or '-'}, column {problem.column or '-'}: {problem.message}")
            self.stderr.write(f"{len(exc.problems)} problem(s); nothing was saved.")
            sys.exit(1)
        except ServiceError as exc:
            self.stderr.write(f"{exc}; nothing was saved.")
            sys.exit(1)
        self.stdout.write(
            f"Loaded {path.name}: {counts['created']} returns added, {counts['corrected']} corrected, "
            f"{counts['unchanged']} unchanged."
        )
