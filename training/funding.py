"""Employer grant claims: each participant earns the grant in milestone instalments (the programme's data), each
milestone claimed once. Claims download as CSV, and as a PDF a worker builds."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.exports import csv_bytes
from accounts.jobs import JobContext, job_handler
from accounts.models import Organisation, User
from accounts.pdf import render_pdf
from accounts.services import record_event, require

from .models import Enrolment, FundingClaim, FundingClaimLine


def grant() -> Decimal:
    return Decimal(getattr(settings, "TRAINING_GRANT_PER_PARTICIPANT", 2000))


def financial_year(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start_year = day.year if day.month >= 4 else day.year - 1
    return datetime.date(start_year, 4, 1), datetime.date(start_year + 1, 3, 31)


def milestones_reached(enrolment: Enrolment) -> list[tuple[dict, datetime.date]]:
    """Each funding milestone the participant has reached, with the day it was reached (reviews prefetched)."""
    reached = []
    reviews = {r.point: r for r in enrolment.reviews.all() if r.returned_at is None}
    for milestone in enrolment.programme.funding_milestones:
        event = milestone["event"]
        day = None
        if event == "enrolled":
            day = enrolment.start_date
        elif event.startswith("review:") and event[7:] in reviews:
            day = reviews[event[7:]].held_on
        elif event == "passed" and enrolment.status == Enrolment.Status.PASSED:
            day = enrolment.outcome_on
        if day is not None:
            reached.append((milestone, day))
    return reached


def claimable(employer: Organisation, period_start: datetime.date, period_end: datetime.date) -> list[dict]:
    enrolments = (
        Enrolment.objects.filter(employer=employer)
        .exclude(status=Enrolment.Status.WITHDRAWN, start_date__gt=period_end)
        .select_related("programme")
        .prefetch_related("reviews", "funding_lines")
    )
    lines = []
    amount = grant()
    today = timezone.localdate()
    for e in enrolments:
        claimed = {line.milestone for line in e.funding_lines.all()}
        for milestone, day in milestones_reached(e):
            # Only what has happened is paid: an enrolment starting next month is not yet a milestone reached.
            if milestone["key"] in claimed or not (period_start <= day <= min(period_end, today)):
                continue
            lines.append(
                {
                    "enrolment": e,
                    "milestone": milestone["key"],
                    "milestone_label": milestone["label"],
                    "reached_on": day,
                    "amount": (amount * Decimal(milestone["share"]) / 100).quantize(Decimal("0.01")),
                }
            )
    return lines


@transaction.atomic
def create_claim(
    *,
    employer: Organisation,
    by: User,
    period_start: datetime.date,
    period_end: datetime.date,
    expected_total: Decimal | str | None = None,
) -> FundingClaim:
    """Claim every milestone reached in the period and not yet claimed. ``expected_total``: the total the person
    checked; if what is claimable has changed since, nothing is claimed and they are asked to check again."""
    from .services import is_coordinator

    require(is_coordinator(by, employer.pk), "Only the employer's co-ordinators can claim its funding.")
    require(period_end >= period_start, "The period must end on or after the day it starts.")
    # Lock the employer's enrolments so two claims made at once cannot both take the same milestone.
    list(Enrolment.objects.select_for_update().filter(employer=employer).values_list("pk", flat=True))
    lines = claimable(employer, period_start, period_end)
    require(bool(lines), "There are no milestones reached in that period that have not already been claimed.")
    total = sum((line["amount"] for line in lines), Decimal("0"))
    require(
        expected_total in (None, "") or Decimal(str(expected_total)) == total,
        f"What can be claimed has changed since you checked it (now £{total:,.2f}): check the claim again.",
    )
    claim = FundingClaim.objects.create(
        employer=employer,
        period_start=period_start,
        period_end=period_end,
        total=total,
        created_by=by,
    )
    FundingClaimLine.objects.bulk_create([FundingClaimLine(claim=claim, **line) for line in lines])
    record_event(claim, "funding_claimed", by=by, changes={"lines": len(lines), "total": str(claim.total)})
    return claim


CLAIM_HEADER = ["Participant", "Registration number", "Programme", "Milestone", "Reached on", "Amount (£)"]


def claim_lines(claim: FundingClaim):
    return claim.lines.select_related("enrolment__programme").order_by("enrolment__participant_name", "reached_on")


@job_handler("training_funding_claim_pdf")
def claim_pdf(context: JobContext) -> None:
    claim = FundingClaim.objects.select_related("employer", "created_by").get(pk=context.params["claim_id"])
    context.progress(20, "Building the PDF")
    content = render_pdf(
        "training/funding_claim_pdf.html", {"claim": claim, "lines": list(claim_lines(claim)), "grant": grant()}
    )
    context.save_result(filename=f"funding-claim-{claim.pk}.pdf", content=content, content_type="application/pdf")
    context.progress(100, "PDF ready")


def claim_csv(claim: FundingClaim) -> bytes:
    return csv_bytes(CLAIM_HEADER, claim_rows_from(claim_lines(claim)))


def claim_rows_from(lines):
    for line in lines:
        yield [
            line.enrolment.participant_name,
            line.enrolment.registration_number,
            line.enrolment.programme.short_name,
            line.milestone_label,
            line.reached_on.isoformat(),
            str(line.amount),
        ]
