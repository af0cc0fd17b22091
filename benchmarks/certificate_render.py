"""Accreditation certificates, in one run: one certificate through the product's code beside a bare WeasyPrint render
of the same one-page HTML (goal ≤ 1.2×), then a batch of certificates through the worker's code path.

Run: .venv/bin/python benchmarks/certificate_render.py [--repeat 15] [--batch 1000]
Uses its own SQLite file under var/ unless DATABASE_URL is set (then that database gets the rows).

The product's path is ``accreditation.services.certificates.render_certificate``: the template, the QR code (segno,
inline SVG) and WeasyPrint with the fetcher that refuses anything but our static files. The baseline renders the
very HTML the product's template produced, with WeasyPrint's defaults. The batch is a real job row run by
``accounts.jobs.run`` (the body of the Celery task): every certificate made, stored with its accreditation and
zipped; it prints certificates per second and how evenly the progress bar moved.
"""

import argparse
import datetime
import itertools
import logging
import statistics
import time

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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from weasyprint import HTML

    from accounts import jobs
    from accounts.models import Job
    from accreditation.services import certificates

    regulator, made = build(args.batch)
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
    job = certificates.start_batch(by=regulator, level="practitioner")
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


if __name__ == "__main__":
    main()
