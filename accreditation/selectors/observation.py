"""Reads for practice observation: sessions open to a candidate, an assessor's work, moderation, calibration and
statistics. Each costs a fixed number of queries whatever the number of candidates."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import BooleanField, Case, Count, F, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from accounts.pagination import IdsFirstPaginator

from ..models import (
    AssessmentSession,
    Booking,
    Candidate,
    Domain,
    DomainScore,
    Level,
    Observation,
    Scoresheet,
)
from ..services.observation import ACTIVE_BOOKING, conflicted_candidate_ids, has_conflict, percent, score_labels


def open_moderation_exists(candidate: Candidate) -> bool:
    """True while any observation of the candidate is with a second assessor or waiting for a moderator (the
    decision stage must not confirm an accreditation then)."""
    return Observation.objects.filter(
        candidate_id=candidate.pk,
        status__in=[Observation.Status.SECOND_MARKING, Observation.Status.MODERATION],
    ).exists()


def open_sessions_for(candidate: Candidate) -> list[AssessmentSession]:
    """Sessions from tomorrow with a place free, without those whose assessor has a conflict of interest with
    the candidate's employer."""
    today = timezone.localdate()
    sessions = list(
        AssessmentSession.objects.filter(date__gt=today)
        .select_related("venue", "assessor")
        .annotate(taken=Count("bookings", filter=Q(bookings__status__in=ACTIVE_BOOKING)))
        .order_by(*AssessmentSession.in_time_order())
    )
    sessions = [s for s in sessions if s.taken < s.capacity]
    conflicted = {a.pk for a in {s.assessor for s in sessions} if has_conflict(a, candidate)}
    return [s for s in sessions if s.assessor_id not in conflicted]


def candidate_observation(candidate: Candidate) -> dict:
    """What the candidate's page shows: bookings (history included) and observations with their outcomes. While an
    observation is being scored, second-marked or moderated, no marks are shown; once its result is final, the
    candidate gets feedback by domain from the first assessor's scoresheet (the moderator's reasons beside it)."""
    bookings = list(candidate.bookings.select_related("session__venue").order_by("-booked_at", "-id"))
    observations = list(candidate.observations.select_related("booking__session").order_by("-created_at"))
    latest = observations[0] if observations else None
    return {
        "bookings": bookings,
        "open_booking": next((b for b in bookings if b.status == Booking.Status.BOOKED), None),
        "observations": observations,
        "latest": latest,
        "feedback": _feedback(candidate, latest),
    }


def _feedback(candidate: Candidate, observation: Observation | None) -> list[dict]:
    """Each domain of the standard, in order, with the first assessor's score and what they saw: only once final."""
    if observation is None or observation.status != Observation.Status.DECIDED:
        return []
    sheet = (
        Scoresheet.objects.filter(observation=observation, marker="first", status=Scoresheet.Status.SUBMITTED)
        .prefetch_related("scores")
        .first()
    )
    if sheet is None:
        return []
    labels = dict(scale())
    scores = {s.domain_key: s for s in sheet.scores.all()}
    return [
        {
            "title": domain.title,
            "score": scores[domain.key].score,
            "label": labels.get(scores[domain.key].score, ""),
            "evidence": scores[domain.key].evidence,
        }
        for domain in candidate.standard.domains.order_by("position")
        if domain.key in scores
    ]


def observation_next_step(candidate: Candidate) -> str:
    """The candidate's next step at the observation stage, for their pathway and home page (two queries)."""
    booking = candidate.bookings.filter(status=Booking.Status.BOOKED).select_related("session").first()
    if booking:
        s = booking.session
        return f"Your practice observation is booked for {s.date:%-d %B %Y}, {s.get_slot_display().lower()}."
    latest = candidate.observations.order_by("-created_at").first()
    if latest and latest.status != Observation.Status.DECIDED:
        return "Your practice observation is being scored."
    if latest and latest.outcome == Observation.Outcome.NOT_PASSED:
        return "Your practice observation was not passed. Book another session when you are ready."
    return "Book your practice observation."


# --- Assessors ----------------------------------------------------------------------------------------------------


def _sheet_qs() -> QuerySet[Scoresheet]:
    return Scoresheet.objects.select_related(
        "observation__candidate__user", "observation__candidate__organisation", "observation__booking__session"
    )


SUBMITTED_PER_PAGE = 25
TO_SCORE_PER_PAGE = 25


def _conflicted_of_assessor(user, also=()) -> set[int]:
    """The candidates, among all whose scoresheets the assessor holds (and ``also``), that the assessor now has a
    conflict with (it can arise after a sheet was assigned): read as ids, so lists can leave them out before they
    are paged. One conflict check in SQL, however many candidates."""
    # Each part a subquery of its own, read by its own index (candidates through the assessor's scoresheets, and
    # those named): joined into one OR, the planner would join every candidate to every scoresheet first.
    held = Q(pk__in=Scoresheet.objects.filter(assessor=user).values("observation__candidate_id"))
    also_ids = {c.pk for c in also}
    return conflicted_candidate_ids(user, Candidate.objects.filter(held | Q(pk__in=also_ids) if also_ids else held))


def assessor_submitted(user, *, conflicted: set[int]) -> QuerySet[Scoresheet]:
    """The assessor's submitted scoresheets, newest first: a list that only grows, so it is read a page at a time."""
    return (
        _sheet_qs()
        .filter(assessor=user, status=Scoresheet.Status.SUBMITTED)
        .exclude(observation__candidate_id__in=conflicted)
        .order_by("-submitted_at", "-pk")
    )


def _with_progress(sheets: QuerySet[Scoresheet]) -> QuerySet[Scoresheet]:
    return sheets.annotate(
        scored=Count("scores", filter=Q(scores__score__isnull=False)), domains=Count("scores")
    ).annotate(
        is_draft=Case(
            When(Q(scored__gt=0) | Q(reflection_mark__isnull=False) | ~Q(summary=""), then=True),
            default=False,
            output_field=BooleanField(),
        )
    )


def assessor_to_score(user, *, conflicted: set[int]) -> QuerySet[Scoresheet]:
    """The assessor's scoresheets not yet submitted, drafts in progress first, then the most recently touched."""
    return _with_progress(
        _sheet_qs()
        .filter(assessor=user)
        .exclude(status=Scoresheet.Status.SUBMITTED)
        .exclude(observation__candidate_id__in=conflicted)
    ).order_by("-is_draft", "-updated_at", "-pk")


def assessor_scoresheets(user) -> QuerySet[Scoresheet]:
    """Every scoresheet of the assessor's, for the API's one paged list: those still to score first (drafts first),
    then those submitted, newest first. Never a conflicted candidate's."""
    return (
        _with_progress(
            _sheet_qs().filter(assessor=user).exclude(observation__candidate_id__in=_conflicted_of_assessor(user))
        )
        .annotate(
            done=Case(When(status=Scoresheet.Status.SUBMITTED, then=True), default=False, output_field=BooleanField())
        )
        .order_by("done", "-is_draft", F("submitted_at").desc(nulls_last=True), "-updated_at", "-pk")
    )


def assessor_work(user, *, to_score_page: str | int = 1, submitted_page: str | int | None = None) -> dict:
    """An assessor's sessions from today, candidates to check in, a page of the scoresheets still to score (drafts
    first) with how many there are, and (given ``submitted_page``) a page of those submitted. A candidate the
    assessor has a conflict of interest with is never listed, nor counted. A fixed number of queries, however
    many sheets they have (the conflict check reads the ids of their candidates)."""
    today = timezone.localdate()
    sessions = list(
        AssessmentSession.objects.filter(assessor=user, date__gte=today)
        .select_related("venue")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.filter(status__in=ACTIVE_BOOKING).select_related("candidate__user"),
                to_attr="places",
            )
        )
        .order_by(*AssessmentSession.in_time_order())
    )
    conflicted = _conflicted_of_assessor(user, also={b.candidate for s in sessions for b in s.places})
    to_score = IdsFirstPaginator(assessor_to_score(user, conflicted=conflicted), TO_SCORE_PER_PAGE).get_page(
        to_score_page
    )
    submitted = None
    if submitted_page is not None:
        submitted = IdsFirstPaginator(assessor_submitted(user, conflicted=conflicted), SUBMITTED_PER_PAGE).get_page(
            submitted_page
        )
    for s in sessions:
        s.places = [b for b in s.places if b.candidate_id not in conflicted]
    to_check_in = [b for s in sessions if s.date == today for b in s.places if b.status == Booking.Status.BOOKED]
    return {
        "sessions": sessions,
        "to_check_in": to_check_in,
        "to_score": to_score,
        "drafts": [s for s in to_score if s.is_draft],
        "submitted": submitted,
    }


def booking_for_assessor(user, pk: int) -> Booking:
    """A booking on the assessor's own session, unless they have a conflict with the candidate (404 otherwise)."""
    booking = (
        Booking.objects.select_related("session__venue", "candidate__user", "candidate__organisation")
        .filter(session__assessor=user, pk=pk)
        .first()
    )
    if booking is None or has_conflict(user, booking.candidate):
        raise Http404
    return booking


def scoresheet_for(user, pk: int) -> Scoresheet:
    """The assessor's own scoresheet with its domains and scores (404 for anyone else's, or on a conflict)."""
    sheet = (
        _sheet_qs()
        .select_related("observation__candidate__standard")
        .prefetch_related(
            "scores",
            Prefetch("observation__candidate__standard__domains", queryset=Domain.objects.order_by("position")),
        )
        .filter(assessor=user, pk=pk)
        .first()
    )
    if sheet is None or has_conflict(user, sheet.observation.candidate):
        raise Http404
    return sheet


def scoresheet_rows(sheet: Scoresheet) -> list[dict]:
    scores = {s.domain_key: s for s in sheet.scores.all()}
    return [
        {"domain": d, "score": scores.get(d.key)}
        for d in sheet.observation.candidate.standard.domains.all()
        if d.key in scores
    ]


def scale() -> list[tuple[int, str]]:
    return list(enumerate(score_labels(), start=1))


# --- Moderation ---------------------------------------------------------------------------------------------------


def moderation_queue() -> dict:
    base = Observation.objects.select_related("candidate__user", "candidate__organisation", "booking__session")
    return {
        "waiting": list(base.filter(status=Observation.Status.MODERATION).order_by("created_at")),
        "second_marking": list(
            base.filter(status=Observation.Status.SECOND_MARKING)
            .prefetch_related(Prefetch("scoresheets", queryset=Scoresheet.objects.select_related("assessor")))
            .order_by("created_at")
        ),
    }


def moderation_case(pk: int) -> Observation:
    return (
        Observation.objects.select_related("candidate__user", "candidate__standard", "booking__session")
        .prefetch_related(
            Prefetch("scoresheets", queryset=Scoresheet.objects.select_related("assessor").prefetch_related("scores")),
            Prefetch("candidate__standard__domains", queryset=Domain.objects.order_by("position")),
        )
        .get(pk=pk)
    )


def moderation_rows(observation: Observation) -> list[dict]:
    sheets = {s.marker: s for s in observation.scoresheets.all()}
    marks = {m: {x.domain_key: x for x in s.scores.all()} for m, s in sheets.items()}
    rows = []
    for d in observation.candidate.standard.domains.all():
        first = marks.get("first", {}).get(d.key)
        second = marks.get("second", {}).get(d.key)
        rows.append({"domain": d, "first": first, "second": second})
    return rows


# --- Calibration --------------------------------------------------------------------------------------------------


def _quarter(moment) -> str:
    d = timezone.localtime(moment)
    return f"{d.year} Q{(d.month - 1) // 3 + 1}"


def _domain_order(key: str) -> tuple:
    """Domains in their numbered order (p2 before p10), the written reflection last."""
    digits = "".join(ch for ch in key if ch.isdigit())
    return (key == "reflection", key.rstrip("0123456789"), int(digits) if digits else 0, key)


def calibration(*, assessor_id: int | None = None) -> list[dict]:
    """For each assessor, agreement with the other marker on the same candidates (exact, and within one point),
    overall, per domain and per quarter. Two queries, whatever the number of observations.

    A pair is a domain (or the written reflection) scored by both assessors of one observation, both submitted.
    """
    rows = list(
        DomainScore.objects.filter(
            scoresheet__status=Scoresheet.Status.SUBMITTED, scoresheet__observation__scoresheets__marker="second"
        )
        .distinct()
        .values_list(
            "scoresheet__observation_id",
            "scoresheet__marker",
            "scoresheet__assessor_id",
            "scoresheet__assessor__first_name",
            "scoresheet__assessor__last_name",
            "scoresheet__assessor__email",
            "scoresheet__submitted_at",
            "domain_key",
            "score",
        )
    )
    reflections = list(
        Scoresheet.objects.filter(status=Scoresheet.Status.SUBMITTED, observation__scoresheets__marker="second")
        .distinct()
        .values_list("observation_id", "marker", "assessor_id", "submitted_at", "reflection_mark")
    )
    by_obs: dict[int, dict] = defaultdict(dict)
    names = {}
    for obs, marker, aid, first, last, email, when, key, score in rows:
        names[aid] = f"{first} {last}".strip() or email
        by_obs[obs].setdefault(marker, {"assessor": aid, "when": when, "marks": {}})["marks"][key] = score
    for obs, marker, _aid, _when, mark in reflections:
        if marker in by_obs.get(obs, {}):
            by_obs[obs][marker]["marks"]["reflection"] = mark
    stats: dict[int, dict] = {}

    def bucket():
        return {"pairs": 0, "exact": 0, "within_one": 0}

    for sheets in by_obs.values():
        if "first" not in sheets or "second" not in sheets:
            continue
        first, second = sheets["first"], sheets["second"]
        quarter = _quarter(max(first["when"], second["when"]))
        for me, other in ((first, second), (second, first)):
            aid = me["assessor"]
            if assessor_id is not None and aid != assessor_id:
                continue
            s = stats.setdefault(
                aid,
                {
                    "assessor_id": aid,
                    "name": names.get(aid, ""),
                    "candidates": 0,
                    "all": bucket(),
                    "domains": defaultdict(bucket),
                    "quarters": defaultdict(bucket),
                },
            )
            s["candidates"] += 1
            for key, mine in me["marks"].items():
                theirs = other["marks"].get(key)
                if mine is None or theirs is None:
                    continue
                for b in (s["all"], s["domains"][key], s["quarters"][quarter]):
                    b["pairs"] += 1
                    b["exact"] += mine == theirs
                    b["within_one"] += abs(mine - theirs) <= 1
    result = []
    titles = {"reflection": "Written reflection", **dict(Domain.objects.values_list("key", "title").distinct())}
    for s in sorted(stats.values(), key=lambda s: s["name"]):
        s["all"] = _rates(s["all"])
        s["domains"] = [
            {"key": k, "title": titles.get(k, k), **_rates(v)}
            for k, v in sorted(s["domains"].items(), key=lambda kv: _domain_order(kv[0]))
        ]
        s["quarters"] = [{"quarter": k, **_rates(v)} for k, v in sorted(s["quarters"].items())]
        result.append(s)
    return result


def _rates(b: dict) -> dict:
    n = b["pairs"]
    return {
        **b,
        "exact_percent": round(100 * b["exact"] / n) if n else None,
        "within_one_percent": round(100 * b["within_one"] / n) if n else None,
    }


# --- Regulator statistics ------------------------------------------------------------------------------------------


def observation_statistics() -> dict:
    """Observation results and moderation by level, and each assessor's output. A fixed four queries."""
    by_level = {
        r["candidate__level"]: r
        for r in Observation.objects.values("candidate__level").annotate(
            decided=Count("id", filter=Q(status=Observation.Status.DECIDED)),
            passed=Count("id", filter=Q(outcome=Observation.Outcome.PASSED)),
            moderated=Count("id", filter=~Q(moderation_reasons=[])),
            open=Count("id", filter=~Q(status=Observation.Status.DECIDED)),
        )
    }
    levels = []
    for level in Level:
        r = by_level.get(level.value, {"decided": 0, "passed": 0, "moderated": 0, "open": 0})
        levels.append(
            {
                "label": level.label,
                **{k: r[k] for k in ("decided", "passed", "moderated", "open")},
                "pass_rate": round(100 * r["passed"] / r["decided"]) if r["decided"] else None,
            }
        )
    sheets = (
        Scoresheet.objects.values("assessor_id", "assessor__first_name", "assessor__last_name", "assessor__email")
        .annotate(
            submitted=Count("id", filter=Q(status=Scoresheet.Status.SUBMITTED)),
            drafts=Count("id", filter=Q(status=Scoresheet.Status.DRAFT)),
            recommended_pass=Count("id", filter=Q(status=Scoresheet.Status.SUBMITTED, recommendation="pass")),
            second=Count("id", filter=Q(marker=Scoresheet.Marker.SECOND)),
        )
        .order_by("assessor__last_name", "assessor__first_name")
    )
    agreement = {c["assessor_id"]: c["all"] for c in calibration()}
    assessors = [
        {
            "name": f"{s['assessor__first_name']} {s['assessor__last_name']}".strip() or s["assessor__email"],
            "submitted": s["submitted"],
            "drafts": s["drafts"],
            "second": s["second"],
            "pass_rate": round(100 * s["recommended_pass"] / s["submitted"]) if s["submitted"] else None,
            "exact_percent": agreement.get(s["assessor_id"], {}).get("exact_percent"),
            "within_one_percent": agreement.get(s["assessor_id"], {}).get("within_one_percent"),
        }
        for s in sheets
    ]
    return {"levels": levels, "assessors": assessors}


def sheet_percent(sheet: Scoresheet) -> float | None:
    marks = [s.score for s in sheet.scores.all()]
    if None in marks or sheet.reflection_mark is None:
        return None
    return round(percent(marks, sheet.reflection_mark), 1)


# --- Where each person stands -------------------------------------------------------------------------------------


def observation_by_candidate(candidate_ids) -> dict[int, str]:
    """A short observation status per candidate, for managers' lists and CSVs. Two queries."""
    ids = list(candidate_ids)
    status: dict[int, str] = {}
    for obs in Observation.objects.filter(candidate_id__in=ids).order_by("created_at"):
        status[obs.candidate_id] = (
            obs.get_outcome_display() if obs.status == Observation.Status.DECIDED else obs.get_status_display()
        )
    for b in (
        Booking.objects.filter(candidate_id__in=ids, status=Booking.Status.BOOKED)
        .select_related("session")
        .order_by("booked_at")
    ):
        status[b.candidate_id] = f"Booked for {b.session.date:%-d %B %Y}"
    return status


def upcoming_sessions() -> QuerySet[AssessmentSession]:
    """Sessions from today on, soonest first, with the places taken: a queryset, read a page at a time."""
    return (
        AssessmentSession.objects.filter(date__gte=timezone.localdate())
        .select_related("venue", "assessor")
        .annotate(taken=Count("bookings", filter=Q(bookings__status__in=ACTIVE_BOOKING)))
        .order_by(*AssessmentSession.in_time_order())
    )
