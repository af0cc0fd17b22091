"""The transfer export's memory as the audit log grows: the log is the one dataset that grows with everything
the service does, so its export must stream like the register's (docs/transfer-format.md, ``audit_events``).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<an empty, migrated db of your own> \\
     .venv/bin/python benchmarks/transfer_audit_log.py [--small 20000] [--large 100000]

Adds generated audit events (half with changes nested two deep, half with none, as most events record) until the
log holds --small, exports the bundle with each engine (PostgreSQL's COPY and the portable writer), then the same
at --large, printing each export's time and peak Python memory (tracemalloc). Goal: the peak does not grow with
the log (the ratio about 1.0×, or below).
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from _django import setup

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to an empty, migrated PostgreSQL database of your own.")
setup("transfer_audit_log")

from django.contrib.contenttypes.models import ContentType  # noqa: E402

from accounts.models import AuditEvent, User  # noqa: E402
from regulation.transfer.export import write_bundle  # noqa: E402


def fill(total: int) -> None:
    user, _ = User.objects.get_or_create(email="benchmark.audit@example.com", defaults={"is_active": False})
    about = ContentType.objects.get_for_model(User)
    batch = []
    for i in range(AuditEvent.objects.count(), total):
        changes = {"before": {"status": "a", "n": i}, "after": ["x", i, {"z": "ü"}]} if i % 2 else {}
        batch.append(
            AuditEvent(
                actor=user,
                actor_label=user.email,
                action="changed",
                content_type=about,
                object_id=str(i),
                object_repr=f"Record {i}",
                reason='Because, "quoted"\nand on a second line',
                changes=changes,
            )
        )
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)


def export(engine: str) -> tuple[int, float, int]:
    with tempfile.TemporaryDirectory() as work:
        tracemalloc.start()
        started = time.perf_counter()
        manifest = write_bundle(Path(work) / "bundle", engine=engine)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return manifest["files"]["audit_events.jsonl"]["rows"], elapsed, peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=20000)
    parser.add_argument("--large", type=int, default=100000)
    args = parser.parse_args()
    peaks = {}
    for size in (args.small, args.large):
        fill(size)
        for engine in ("postgres", "python"):
            rows, elapsed, peak = export(engine)
            peaks[size, engine] = peak
            print(f"{rows:>9,} audit events, {engine:8}: {elapsed:6.1f} s, peak memory {peak / 1024 / 1024:5.1f} MiB")
    for engine in ("postgres", "python"):
        ratio = peaks[args.large, engine] / peaks[args.small, engine]
        print(
            f"Peak memory ({engine}), {args.large:,} vs {args.small:,} events: {ratio:.2f}× (goal: about 1.0× or below)"
        )


if __name__ == "__main__":
    main()
