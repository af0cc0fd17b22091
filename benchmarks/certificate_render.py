"""Accreditation certificates, in one run: one certificate through the product's code beside a bare WeasyPrint render
of the same one-page HTML (goal ≤ 1.2×), then a batch of certificates through the worker's code path, then the
batch's peak memory at each of ``--memory-sizes`` beside the old way (every PDF made in the worker itself).

Run: .venv/bin/python benchmarks/certificate_render.py [--repeat 15] [--batch 1000] [--memory-sizes 100,1000]
Uses its own SQLite file under var/ unless DATABASE_URL is set (then that database gets the rows).

The product's path is ``accreditation.services.certificates.render_certificate``: the template, the QR code (segno,
inline SVG) and WeasyPrint with the fetcher that refuses anything but our static files. The baseline renders the
very HTML the product's template produced, with WeasyPrint's defaults. The batch is a real job row run by
``accounts.jobs.run`` (the body of the Celery task): every certificate made, stored with its accreditation and
zipped; it prints certificates per second and how evenly the progress bar moved.

Peak memory (issue #34: WeasyPrint keeps ~0.33 MB per PDF and never gives it back): each size is a batch run by
``accounts.jobs.run`` in a fresh process of its own, since a process's peak (``ru_maxrss``) never comes down. The
worker's peak is its ``RUSAGE_SELF``; each PDF child notes its own (``_pdf_child_peak.py``); the figure is the worker's
plus the largest child's, as a child runs beside the worker. The baseline is the same batch the old way,
every certificate rendered in the worker (the loop ``_write_batch`` had before the chunks), in the same run.
"""

import argparse
import datetime
import itertools
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess  # nosec B404 # this script again, in a fresh process per measurement
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _django import setup, timed

setup("certificates")

from django.core.management import call_command  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import timezone  # noqa: E402


def build(count: int):
    """``count`` accreditations made directly (the decision's rules are tested elsewhere; this measures PDFs)."""
    from accounts.models import Organisation, Role, User
    from accreditation.models import Accreditation, Candidate
    from accreditation.services import credentials, decision
    from accreditation.services.pathway import current_standard, ensure_standards

    ensure_standards()
    standard = current_standard("practitioner")
    employer = Organisation.objects.create(name="Bench Council", kind=Organisation.Kind.LOCAL_AUTHORITY)
    regulator = User.objects.create(email="bench.regulator@example.com", first_name="Ruth", last_name="Bench")
    regulator.memberships.create(organisation=employer, role=Role.REGULATOR_STAFF)
    users = User.objects.bulk_create(
        User(email=f"bench{n}@example.com", first_name="Alexandra", last_name=f"Bench-Whitworth {n}")
        for n in range(count)
    )
    candidates = Candidate.objects.bulk_create(
        Candidate(
            user=u,
            level="practitioner",
            standard=standard,
            organisation=employer,
            registration_number=f"SW{900000 + n}",
            stage=Candidate.Stage.ACCREDITED,
            status=Candidate.Status.ACCREDITED,
            endorsement=Candidate.Endorsement.ENDORSED,
            endorsement_reason="Bench",
            started_by=u,
        )
        for n, u in enumerate(users)
    )
    now = timezone.now()
    made = Accreditation.objects.bulk_create(
        Accreditation(
            candidate=c,
            code=decision.new_code(),
            name=f"{c.user.first_name} {c.user.last_name}",
            registration_number=c.registration_number,
            level="practitioner",
            awarded_on=datetime.date(2027, 3, 2),
            confirmed_at=now,
            confirmed_by=regulator,
            confirm_reason="Bench",
        )
        for c in candidates
    )
    for a in made:
        a.credential = credentials.signed_credential(a)
    Accreditation.objects.bulk_update(made, ["credential"], batch_size=500)
    return regulator, made


def start_batch_of(regulator, count: int):
    """A batch job of the first ``count`` accreditations built here (start_batch takes the whole level)."""
    from accounts.jobs import start_job
    from accreditation.services import certificates

    ids = list(certificates.batch_queryset(level="practitioner").values_list("pk", flat=True)[:count])
    return start_job(kind=certificates.BATCH_JOB, title=f"Bench {count}", by=regulator, params={"ids": ids})


def in_process_write_batch(context, ids, archive) -> None:
    """The old way, for the baseline: every certificate rendered in the worker itself."""
    from accreditation.models import Accreditation
    from accreditation.services import certificates

    total = len(ids)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for done, pk in enumerate(ids, start=1):
            accreditation = Accreditation.objects.filter(pk=pk).first()
            if accreditation is not None:
                accreditation = certificates.issue_certificate(accreditation=accreditation)
                with (
                    accreditation.certificate.open("rb") as handle,
                    bundle.open(certificates.certificate_filename(accreditation), "w") as entry,
                ):
                    shutil.copyfileobj(handle, entry)
            if done == total or done % max(1, total // 100) == 0:
                context.progress(done * 100 // total, f"{done} of {total} certificates made")


def measure_memory(way: str, count: int) -> None:
    """In a fresh process (``--memory-of``): run one batch and print this process's and its children's peaks."""
    from accounts import jobs, pdf
    from accounts.models import Job, User
    from accreditation.services import certificates

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    jobs.dispatch = lambda job_id: True  # run here, in this process, not handed to a broker
    if way == "in-process":
        certificates._write_batch = in_process_write_batch
    peaks_file = Path(os.environ["BENCH_CHILD_PEAKS"])
    wrapper = str(Path(__file__).with_name("_pdf_child_peak.py"))
    pdf._child_command = lambda requests_file: [sys.executable, wrapper, str(requests_file)]
    regulator = User.objects.get(email="bench.regulator@example.com")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    job = start_batch_of(regulator, count)
    start = time.perf_counter()
    jobs.run(str(job.pk))
    elapsed = time.perf_counter() - start
    job = Job.objects.get(pk=job.pk)
    if job.status != Job.Status.SUCCEEDED:
        sys.exit(f"The batch failed: {job.error}")  # a failed batch's memory measures nothing
    figures = {
        "before_mb": before / 1024,
        "worker_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "child_mb": max((int(kb) for kb in peaks_file.read_text().split()), default=0) / 1024,
        "children": len(peaks_file.read_text().split()),
        "seconds": elapsed,
    }
    print("MEMORY " + json.dumps(figures), flush=True)


def memory_of(way: str, count: int) -> dict:
    with tempfile.NamedTemporaryFile(prefix="child-peaks-") as peaks:
        result = subprocess.run(  # nosec B603 # this interpreter and this script, fixed arguments
            [sys.executable, __file__, "--memory-of", way, "--count", str(count)],
            # DATABASE_URL as setup() set it: the rows built here, not a new empty file.
            env={**os.environ, "BENCH_CHILD_PEAKS": peaks.name},
            capture_output=True,
            text=True,
            check=False,
        )
    lines = [line for line in result.stdout.splitlines() if line.startswith("MEMORY ")]
    if result.returncode or not lines:
        sys.exit(f"The {way} batch of {count} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return json.loads(lines[-1].removeprefix("MEMORY "))


def report_memory(sizes: list[int]) -> None:
    print(f"Peak memory of a batch, each in a fresh process (worker's peak + its largest PDF child's), {sizes}:")
    ways = {"chunks": "in child processes, a chunk each", "in-process": "old way, all in the worker (baseline)"}
    peaks = {}
    for way, label in ways.items():
        runs = {n: memory_of(way, n) for n in sizes}
        peaks[way] = {n: r["worker_mb"] + r["child_mb"] for n, r in runs.items()}
        for n, r in runs.items():
            print(
                f"  {label}, {n:,}: worker {r['worker_mb']:.0f} MB (at start {r['before_mb']:.0f} MB) + child "
                f"{r['child_mb']:.0f} MB ({r['children']} children) = {peaks[way][n]:.0f} MB; "
                f"{n / r['seconds']:.1f} certificates per second"
            )
    small, large = sizes[0], sizes[-1]
    for way, label in ways.items():
        growth = peaks[way][large] / peaks[way][small]
        print(
            f"  peak memory {label}: {small:,} → {peaks[way][small]:.0f} MB, {large:,} → "
            f"{peaks[way][large]:.0f} MB (growth {growth:.2f}×)"
        )
    ratio = peaks["chunks"][large] / peaks["in-process"][large]
    print(
        f"  at {large:,}: in child processes {peaks['chunks'][large]:.0f} MB, in the worker "
        f"{peaks['in-process'][large]:.0f} MB, ratio {ratio:.2f}×"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--memory-sizes", default="100,1000", help="batch sizes for peak memory; empty: none")
    parser.add_argument("--memory-of", choices=["chunks", "in-process"], help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        measure_memory(args.memory_of, args.count)
        return
    sizes = sorted(int(n) for n in args.memory_sizes.split(",") if n.strip())

    call_command("migrate", verbosity=0)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from weasyprint import HTML

    from accounts import jobs
    from accounts.models import Job
    from accreditation.services import certificates

    regulator, made = build(max([args.batch, *sizes]))
    sample = made[0]

    # --- One certificate: product vs bare WeasyPrint of the same HTML ------------------------------------------
    html = render_to_string(certificates.TEMPLATE, {**certificates.certificate_context(sample), "service_name": "x"})
    certificates.render_certificate(sample)  # warm-up: fonts, template cache
    HTML(string=html).write_pdf()
    product = timed(lambda: certificates.render_certificate(sample), args.repeat)
    bare = timed(lambda: HTML(string=html).write_pdf(), args.repeat)
    print(f"One certificate ({args.repeat} runs, medians):")
    print(f"  product (template + QR + WeasyPrint, static-only fetcher): {product * 1000:7.1f} ms")
    print(f"  bare WeasyPrint of the same HTML:                          {bare * 1000:7.1f} ms")
    print(f"  ratio: {product / bare:.2f}× (goal ≤ 1.2×)")

    # --- A batch through the worker's code path --------------------------------------------------------------
    jobs.dispatch = lambda job_id: True  # measured here, in this process, not handed to a broker
    job = start_batch_of(regulator, args.batch)
    updates = []
    real_progress = jobs.JobContext.progress

    def watched(self, percent, message=""):
        updates.append((time.perf_counter(), percent))
        return real_progress(self, percent, message)

    jobs.JobContext.progress = watched
    start = time.perf_counter()
    jobs.run(str(job.pk))
    elapsed = time.perf_counter() - start
    jobs.JobContext.progress = real_progress
    job = Job.objects.get(pk=job.pk)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(updates)]
    percents = [p for _, p in updates]
    print(f"Batch of {args.batch} certificates through accounts.jobs.run ({job.get_status_display()}):")
    print(f"  {elapsed:.1f} s, {args.batch / elapsed:.1f} certificates per second")
    print(
        f"  progress: {len(updates)} updates, 0→{percents[-1]}%, never backwards: "
        f"{all(b >= a for a, b in itertools.pairwise(percents))}; "
        f"seconds between updates median {statistics.median(gaps):.2f}, max {max(gaps):.2f}"
    )
    print(f"  ZIP of certificates: {job.result_file.size / 1_000_000:.1f} MB")
    if sizes:
        report_memory(sizes)


if __name__ == "__main__":
    main()
