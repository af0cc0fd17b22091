"""Reads for the decision and certificate stage, each a fixed number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from ..models import Accreditation, Candidate


def decisions_queue() -> QuerySet[Candidate]:
    """Candidates who have passed every stage and wait for regulator staff's confirmation, longest waiting first: a
    queryset, so the page reads one page of them (``with_standing`` then fills in that page's standing)."""
    return (
        Candidate.objects.select_related("user", "organisation")
        .filter(stage=Candidate.Stage.DECISION, status=Candidate.Status.ACTIVE)
        .order_by("started_at", "pk")
    )


def decisions_to_confirm() -> list[Candidate]:
    """Every candidate waiting for a decision, with their register standing (two queries, plus the standing)."""
    from . import with_standing

    return with_standing(list(decisions_queue()))


def decisions_waiting() -> int:
    return Candidate.objects.filter(stage=Candidate.Stage.DECISION, status=Candidate.Status.ACTIVE).count()


def accreditation_detail(pk: int) -> Accreditation:
    return Accreditation.objects.select_related(
        "candidate__user", "candidate__organisation", "confirmed_by", "revoked_by", "credential_key"
    ).get(pk=pk)


def accreditations_for(user) -> list[Accreditation]:
    """The person's own accreditations, newest first, for their pathway page and the API."""
    if not user.is_authenticated:
        return []
    return list(Accreditation.objects.filter(candidate__user=user).order_by("-confirmed_at", "-pk"))


def accreditations(*, search: str = "", status: str = "", level: str = "") -> QuerySet[Accreditation]:
    """Every accreditation, for regulator staff: search by name, registration number or code."""
    qs = Accreditation.objects.all()
    if search:
        code = "".join(ch for ch in search.upper() if ch.isalnum())
        qs = qs.filter(
            Q(name__icontains=search.strip()) | Q(registration_number__iexact=search.strip()) | Q(code=code or "-")
        )
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("-confirmed_at", "-pk")


def by_code(code: str) -> Accreditation | None:
    """The accreditation a verification code belongs to, with only what the public page may show."""
    from ..services.decision import normalise_code

    code = normalise_code(code)
    if not code:
        return None
    return (
        Accreditation.objects.only("code", "name", "registration_number", "level", "awarded_on", "status", "revoked_at")
        .filter(code=code)
        .first()
    )


def public_view(accreditation: Accreditation) -> dict:
    """Everything the public verify page and API reveal: name, registration number, level, dates and status (valid,
    revoked, or suspended while an order suspends the holder: what the published status lists say)."""
    from ..services.credentials import standing  # the services package imports selectors

    return {
        "name": accreditation.name,
        "registration_number": accreditation.registration_number,
        "level": accreditation.level,
        "level_label": accreditation.get_level_display(),
        "awarded_on": accreditation.awarded_on,
        "status": standing(accreditation),
        "revoked_on": timezone.localdate(accreditation.revoked_at) if accreditation.revoked_at else None,
    }


def observations_for_decision(candidate: Candidate) -> list:
    """Every observed practice assessment the decision rests on, with its markers and any moderation, oldest first."""
    from ..models import Observation, Scoresheet

    return list(
        Observation.objects.filter(candidate=candidate)
        .select_related("booking__session", "moderated_by")
        .prefetch_related(
            Prefetch(
                "scoresheets",
                queryset=Scoresheet.objects.filter(status=Scoresheet.Status.SUBMITTED).select_related("assessor"),
            )
        )
        .order_by("created_at", "pk")
    )
