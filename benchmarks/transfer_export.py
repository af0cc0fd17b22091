"""Transfer export at 10,000 and 100,000 register entries: throughput beside PostgreSQL's own COPY of the same
rows, and the export's peak memory at each size.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<your db> .venv/bin/python benchmarks/transfer_export.py
     [--small 10000] [--large 100000] [--cases 5000] [--courses 400]
PostgreSQL only (COPY is the baseline). The database is emptied and filled with generated rows: the register
(generate_register), fitness-to-practise cases with stages, orders and conditions, and courses with approvals and
status history (generate_transfer_data), cases scaled with the register.

Prints, for each size: rows exported, the export's time and rows/s (it writes every row twice, CSV and JSON
Lines, hashing both; on PostgreSQL one COPY per dataset gives both its files, on TRANSFER_EXPORT_CONNECTIONS
connections sharing one snapshot), the same on one connection, the portable writer's time (each value formatted
in Python, as on SQLite) for comparison, the time of `COPY (the same SELECT) TO STDOUT WITH (FORMAT csv)` for
every dataset read to the end, their ratio (goal ≥ 0.5×), the time of the export's own COPY statements read to
the end on one connection with no files written, in a transaction set up as the export's connections set theirs
(the database's share of the work, so the ratio's ceiling on one connection), and the export's peak Python
memory (tracemalloc) with its ratio between the two sizes (goal: no growth, about 1.0×).

Then, at the large size, the load: the bundle just exported is loaded (checked and loaded in one pass, all in one
transaction, with progress) into the same database emptied as a successor's would be (its own regulator and first
staff account made by create_staff), three times, each followed by the successor's export of the same rows; the
best load is timed against the best of every export of those rows in the same run, the predecessor's included
(goal: load ≤ 3× the export's time; on PostgreSQL the load uses COPY FROM STDIN) and against the COPY baseline,
and (unless --quick) beside the portable load of the same bundle (the ORM's bulk inserts, as on SQLite); and the
successor's own export is compared with the predecessor's files.
--quick measures the export once (no repeats, no one-connection or portable runs, no portable load) and skips
the small size's figures, for a first look on a busy machine.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database of your own: the baseline is PostgreSQL's COPY.")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from regulation.models import RegisterEntry  # noqa: E402
from regulation.transfer.export import write_bundle  # noqa: E402
from regulation.transfer.format import datasets  # noqa: E402


def copy_all() -> tuple[int, float]:
    """COPY of exactly the SELECT the exporter runs, every dataset, read to the end."""
    connection.ensure_connection()
    raw = connection.connection
    sink = _Counter()
    started = time.perf_counter()
    for ds in datasets():
        sql, params = ds.queryset().query.sql_with_params()
        with raw.cursor() as cursor:
            statement = cursor.mogrify(sql, params).decode()
            cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", sink)
    return sink.size, time.perf_counter() - started


def copy_export_statements() -> float:
    """The export's own COPY statements (one for both files of each dataset) read to the end: no files, no hashing."""
    from regulation.transfer.postgres import copy_statement, set_up_transaction

    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    with raw.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        set_up_transaction(cursor)  # as the export's own connections run them
        for ds in datasets():
            cursor.copy_expert(copy_statement(ds, None, cursor, iso_utc=True), _Counter())
        cursor.execute("ROLLBACK")
    return time.perf_counter() - started


class _Counter:
    """Receives COPY's output and keeps only its size, so the baseline pays for reading, not for storing."""

    size = 0

    def write(self, data) -> int:
        self.size += len(data)
        return len(data)


def export_once(trace: bool, engine: str = "auto") -> tuple[int, float, int]:
    with tempfile.TemporaryDirectory() as work:
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        manifest = write_bundle(Path(work) / "bundle", engine=engine)
        elapsed = time.perf_counter() - started
        peak = 0
        if trace:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    rows = sum(info["rows"] for info in manifest["files"].values() if info["format"] == "csv")
    return rows, elapsed, peak


def best(fn, repeat=3):
    results = [fn() for _ in range(repeat)]
    return min(results, key=lambda r: r[1])


def measure(label: str, quick: bool = False) -> dict:
    from django.conf import settings

    if quick:
        rows, export_s, _ = export_once(False)
        _, copy_s = copy_all()
        print(
            f"{label}: {rows:,} rows. Export {export_s:.2f} s; COPY of the same rows {copy_s:.2f} s: "
            f"ratio {copy_s / export_s:.2f}× (goal ≥ 0.5×)"
        )
        return {"rows": rows, "peak": 1, "export_s": export_s, "copy_s": copy_s}
    rows, export_s, _ = best(lambda: export_once(False))
    connections = settings.TRANSFER_EXPORT_CONNECTIONS
    settings.TRANSFER_EXPORT_CONNECTIONS = 1
    _, one_s, _ = best(lambda: export_once(False))
    settings.TRANSFER_EXPORT_CONNECTIONS = connections
    _, copy_s = min((copy_all() for _ in range(3)), key=lambda r: r[1])
    statements_s = min(copy_export_statements() for _ in range(3))
    _, _, peak = export_once(True)
    _, python_s, _ = export_once(False, engine="python")
    print(
        f"{label}: {rows:,} rows. COPY of the same rows {copy_s:.2f} s ({rows / copy_s:,.0f} rows/s). "
        f"Export on {connections} connections {export_s:.2f} s ({rows / export_s:,.0f} rows/s, CSV + JSONL + "
        f"SHA-256): ratio {copy_s / export_s:.2f}× (goal ≥ 0.5×); on 1 connection {one_s:.2f} s, "
        f"ratio {copy_s / one_s:.2f}×; its COPY statements alone, no files, {statements_s:.2f} s, "
        f"ratio {copy_s / statements_s:.2f}× (the ceiling on one connection); portable (Python-formatted, the "
        f"SQLite path) writer {python_s:.2f} s, ratio {copy_s / python_s:.2f}×; "
        f"peak memory {peak / 1024 / 1024:.1f} MiB"
    )
    return {"rows": rows, "peak": peak, "export_s": export_s, "copy_s": copy_s}


def _as_successor() -> None:
    """The database emptied as a successor's would be: its own regulator and first staff account (create_staff)."""
    import importlib

    from django.apps import apps

    from accounts.services import create_staff

    call_command("flush", interactive=False, verbosity=0)
    for module in (
        "accreditation.migrations.0002_seed_standards_and_settings",
        "training.migrations.0002_seed_programmes",
    ):
        importlib.import_module(module).seed(apps, None)
    create_staff(
        email="first@successor.example",
        first_name="Sam",
        last_name="Reid",
        organisation="Successor Regulator",
        password="a-long-benchmark-passphrase-2027",
    )


def _load(bundle: Path, *, copy: bool) -> tuple[dict, float, list]:
    """One load of the bundle, checked and loaded in one transaction (committed, so the database's deferred
    reference checks are timed too), with COPY on PostgreSQL or the portable (ORM) way."""
    from django.db import transaction

    from regulation.transfer import importer

    _as_successor()
    reports: list = []
    importer.COPY = copy
    try:
        started = time.perf_counter()
        with transaction.atomic():
            loaded = importer.import_bundle(bundle, progress=lambda name, count: reports.append((name, count)))
        return loaded, time.perf_counter() - started, reports
    finally:
        importer.COPY = True


def _same_for_a_successor(predecessor: Path, successor: Path) -> bool:
    """Whether the successor's export gives back the predecessor's file, by the documented rules: its own
    organisations apart, and its own audit events (the load's among them) after the predecessor's."""
    if predecessor.name in ("manifest.json", "organisations.csv", "organisations.jsonl"):
        return True
    theirs, ours = predecessor.read_bytes(), successor.read_bytes()
    if predecessor.name.startswith("audit_events."):
        return ours.startswith(theirs)
    return theirs == ours


def measure_load(measured: dict, quick: bool = False, repeat: int = 3) -> None:
    """Load the large bundle into the database emptied as a successor's, ``repeat`` times, each followed by an
    export of the same rows (the successor's own: the same rows, the same database), printed as pairs so a noisy
    moment shows; the ratio is the best load over the best of every export of these rows in the run (the
    predecessor's too), which is the least favourable to the load (and, unless quick, beside the portable load of
    the same bundle: the ORM's bulk inserts, as on SQLite)."""
    loads, exports = [], [measured["export_s"]]
    with tempfile.TemporaryDirectory() as work:
        original = Path(work) / "original"
        write_bundle(original)
        portable_s = None
        if not quick:
            _, portable_s, _ = _load(original, copy=False)
        for n in range(repeat):
            loaded, load_s, reports = _load(original, copy=True)
            again = Path(work) / f"again{n}"
            started = time.perf_counter()
            write_bundle(again)
            exports.append(time.perf_counter() - started)
            loads.append(load_s)
        differs = sorted(p.name for p in original.iterdir() if not _same_for_a_successor(p, again / p.name))
    rows = sum(loaded.values())
    load_s, export_s = min(loads), min(exports)
    portable = (
        f"; the portable load (ORM bulk inserts, the SQLite path) {portable_s:.2f} s, {portable_s / export_s:.2f}×"
        if portable_s is not None
        else ""
    )
    pairs = ", ".join(f"{took:.2f}/{after:.2f} s" for took, after in zip(loads, exports[1:], strict=True))
    print(
        f"Load of the same bundle: {rows:,} rows checked and loaded in one pass, in one transaction (committed), with "
        f"{len(reports)} progress reports, {repeat} times: best {load_s:.2f} s beside the best export of the same "
        f"rows in this run, {export_s:.2f} s: load ÷ export {load_s / export_s:.2f}× (goal ≤ 3×){portable}; each "
        f"load and the export after it: {pairs}; COPY baseline / load {measured['copy_s'] / load_s:.2f}×. The "
        f"successor's own export gives the predecessor's data files byte for byte (its own organisation apart): "
        f"{differs or 'yes'}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=5_000, help="cases at the large size (scaled for the small)")
    parser.add_argument("--courses", type=int, default=400)
    parser.add_argument("--quick", action="store_true", help="one export each, and the load (see above)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("generate_register", entries=args.small, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command(
        "generate_transfer_data",
        cases=args.cases * args.small // args.large,
        courses=args.courses,
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    small = measure(f"{RegisterEntry.objects.count():,} entries", args.quick)
    call_command(
        "generate_register",
        entries=args.large - args.small,
        seed=2,
        verbosity=0,
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    call_command(
        "generate_transfer_data",
        cases=args.cases - args.cases * args.small // args.large,
        courses=0,
        seed=2,
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    large = measure(f"{RegisterEntry.objects.count():,} entries", args.quick)
    if not args.quick:
        print(
            f"Peak memory, {args.large:,} vs {args.small:,} entries: {large['peak'] / small['peak']:.2f}× "
            f"for {large['rows'] / small['rows']:.1f}× the rows (goal: no growth, about 1.0×)"
        )
    measure_load(large, args.quick)


if __name__ == "__main__":
    main()
