"""Reads of the pathway, scoped to the person and prefetched so each page costs a fixed number of queries."""

from __future__ import annotations

import math
from collections import defaultdict

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize
from django.utils import timezone

from regulation import selectors as register

from ..models import (
    LEVEL_ORDER,
    Attempt,
    AttemptItem,
    BankStatus,
    Candidate,
    Domain,
    Item,
    Level,
    LevelSettings,
    StandardVersion,
)
from ..services.assessment import resit_from
from .observation import (  # noqa: F401
    observation_by_candidate,
    observation_next_step,
    open_moderation_exists,
)
from .transfer import transfer_datasets  # noqa: F401  (found by regulation.transfer)


def current_standards() -> list[StandardVersion]:
    """The latest version of each level's statement, with its domains (two queries)."""
    latest = {}
    for standard in StandardVersion.objects.order_by("level", "-version").prefetch_related("domains"):
        latest.setdefault(standard.level, standard)
    return [latest[level] for level in LEVEL_ORDER if level in latest]


def settings_by_level() -> dict[str, LevelSettings]:
    """Every level's settings; a level without a row (a database flushed by tests) shows the defaults."""
    from ..standards import GENERAL_ITEMS_LEVEL

    found = {s.level: s for s in LevelSettings.objects.all()}
    return {
        level: found.get(level) or LevelSettings(level=level, general_items_level=GENERAL_ITEMS_LEVEL[level])
        for level in LEVEL_ORDER
    }


def _candidate_qs() -> QuerySet[Candidate]:
    return Candidate.objects.select_related("user", "organisation", "standard").prefetch_related(
        Prefetch("standard__domains", queryset=Domain.objects.order_by("position")),
        "mappings",
        Prefetch("attempts", queryset=Attempt.objects.order_by("number")),
    )


def candidate_detail(pk: int) -> Candidate:
    return _candidate_qs().select_related("endorsement_decided_by").get(pk=pk)


def with_standing(candidates: list[Candidate], standing: dict[int, dict] | None = None) -> list[Candidate]:
    """Attach the register standing and any pause reason (suspension, removal, lapse) to each candidate; ``standing``
    is ``register.practice_standing`` of their people when the caller has it already."""
    from ..services.pathway import pause_reason

    if standing is None:
        standing = register.practice_standing({c.user_id for c in candidates})
    for c in candidates:
        c.standing = standing.get(c.user_id)
        c.paused = pause_reason(c.standing) if c.is_active else ""
    return candidates


def nominees(user) -> QuerySet[Candidate]:
    """The candidates from the organisations the user manages, in name order: a queryset, so a page or a CSV reads
    them a bounded number at a time (``with_nominee_details`` then fills in each batch)."""
    orgs = [m.organisation_id for m in user.active_memberships if m.role == "line_manager"]
    # Only what the list and its download show: not the standard, mappings and attempts a candidate's page reads.
    return (
        Candidate.objects.select_related("user", "organisation")
        .filter(organisation_id__in=orgs)
        .order_by("user__last_name", "level", "id")
    )


def with_nominee_details(candidates) -> list[Candidate]:
    """Register standing, pause reason, tests sat and the observation's state for one batch of nominees (a fixed
    few queries)."""
    candidates = with_standing(list(candidates))
    observation = observation_by_candidate(c.pk for c in candidates)
    sat = dict(
        Attempt.objects.filter(candidate__in=[c.pk for c in candidates])
        .values("candidate")
        .annotate(n=Count("id"))
        .values_list("candidate", "n")
    )
    for c in candidates:
        c.observation_status = observation.get(c.pk, "")
        c.tests_sat = sat.get(c.pk, 0)
    return candidates


def nominees_waiting_for_endorsement(user) -> int:
    return nominees(user).filter(status=Candidate.Status.ACTIVE, stage=Candidate.Stage.ENDORSEMENT).count()


def eligible_staff(user) -> list[dict]:
    """People the register shows working for the manager's organisations, with their standing (a fixed few queries)."""
    managed = {m.organisation_id for m in user.active_memberships if m.role == "line_manager"}
    rows = list(register.employed_staff(user).filter(employer_id__in=managed, entry__user__isnull=False))
    standing = register.practice_standing({e.entry.user_id for e in rows})
    return [
        {
            "user_id": e.entry.user_id,
            "name": e.entry.full_name,
            "registration_number": e.entry.registration_number,
            "organisation": e.employer,
            "standing": standing.get(e.entry.user_id),
        }
        for e in rows
    ]


STAGE_LABELS = {
    Candidate.Stage.ENDORSEMENT: "Employer endorsement",
    Candidate.Stage.KNOWLEDGE: "Knowledge assessment",
    Candidate.Stage.OBSERVATION: "Practice observation",
    Candidate.Stage.DECISION: "Decision and certificate",
}


def pathway_for(user) -> list[dict]:
    """For each level: the person's latest candidacy and the four stages as done / current / not yet open."""
    standings = register.practice_standing([user.pk])
    candidates = with_standing(list(_candidate_qs().filter(user=user).order_by("-started_at")), standings)
    settings = settings_by_level()
    standing = standings.get(user.pk)
    latest: dict[str, Candidate] = {}
    history: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        latest.setdefault(c.level, c)
        history[c.level].append(c)
    levels = []
    for level in LEVEL_ORDER:
        c = latest.get(level)
        stages = []
        current_index = Candidate.STAGES.index(c.stage) if c and c.stage in Candidate.STAGES else None
        if c and c.stage == Candidate.Stage.ACCREDITED:
            current_index = len(Candidate.STAGES)
        for i, stage in enumerate(Candidate.STAGES):
            if c is None or current_index is None:
                state = "Not yet open"
            elif i < current_index:
                state = "Done"
            elif i == current_index:
                state = {
                    Candidate.Status.ACTIVE: "Paused" if c.paused else "Current",
                    Candidate.Status.DECLINED: "Declined",
                    Candidate.Status.WITHDRAWN: "Withdrawn",
                    Candidate.Status.CLOSED: "Closed",
                }.get(c.status, "Current")
            else:
                state = "Not yet open"
            stages.append({"key": stage, "label": STAGE_LABELS[stage], "state": state})
        attempts = list(c.attempts.all()) if c else []
        last = attempts[-1] if attempts else None
        levels.append(
            {
                "level": level,
                "label": Level(level).label,
                "candidate": c,
                "history": history[level],
                "stages": stages,
                "attempts": attempts,
                "open_attempt": next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None),
                "resit_from": resit_from(c, settings[level], last) if c else None,
                "attempts_left": settings[level].attempt_limit - len(attempts),
                "accredited": bool(standing and level in standing["accredited"]),
                "next": _next_step(c, settings[level], last),
            }
        )
    return levels


def _next_step(c: Candidate | None, settings: LevelSettings, last: Attempt | None) -> str:
    if c is None:
        return "Ask your line manager to endorse you, or wait to be nominated."
    if c.paused:
        return f"Paused: {c.paused}"
    if c.status == Candidate.Status.DECLINED:
        return f"Your manager declined to endorse you: {c.endorsement_reason}"
    if c.status != Candidate.Status.ACTIVE:
        return c.closed_reason or c.get_status_display()
    if c.stage == Candidate.Stage.ENDORSEMENT:
        mapped = len(c.mappings.all())
        total = len(c.standard.domains.all())
        if mapped < total:
            return f"Map your practice against each domain with your manager ({mapped} of {total} done)."
        return "Waiting for your manager's endorsement decision."
    if c.stage == Candidate.Stage.KNOWLEDGE:
        if last and last.status == Attempt.Status.IN_PROGRESS:
            return f"Finish your knowledge assessment by {timezone.localtime(last.deadline):%-d %B %Y, %H:%M}."
        resit = resit_from(c, settings, last)
        if resit and resit > timezone.now():
            return f"You can resit the knowledge assessment from {timezone.localtime(resit):%-d %B %Y}."
        minutes = settings.minutes + c.extra_minutes
        return (
            f"Take the knowledge assessment: {settings.total_items} questions in {minutes} minute{pluralize(minutes)}."
        )
    if c.stage == Candidate.Stage.OBSERVATION:
        return observation_next_step(c)
    return c.get_stage_display()


def pathway_summary_for(user) -> list[dict]:
    """One row per level, in order, for the one-journey page: ``level`` (its name), ``status`` (done, current,
    next or not_started), ``detail`` (the next step) and ``url`` (the candidate's page).

    Lean on purpose (three queries, two more at the observation stage): the journey page sits on top of it."""
    from django.urls import reverse

    today = timezone.localdate()
    entry = register.entry_with_annotations(user)
    accredited = {
        register.ACCREDITATION_KINDS[a.kind]
        for a in (entry.annotations.all() if entry else [])
        if a.kind in register.ACCREDITATION_KINDS and a.in_force_on(today)
    }
    latest: dict[str, Candidate] = {}
    for c in Candidate.objects.filter(user_id=user.pk).order_by("-started_at", "-id"):
        latest.setdefault(c.level, c)
    rows, first_open = [], True
    for level in LEVEL_ORDER:
        c = latest.get(level)
        if level in accredited or (c is not None and c.stage == Candidate.Stage.ACCREDITED):
            status, detail = "done", "Accredited."
        elif c is not None and c.is_active:
            status, detail = "current", _summary_detail(c)
        else:
            status = "next" if first_open else "not_started"
            first_open = False
            detail = (
                c.closed_reason or c.get_status_display()
                if c is not None
                else "Your employer endorses you, then you take the knowledge assessment and a practice observation."
            )
        rows.append(
            {
                "level": Level(level).label,
                "status": status,
                "detail": detail,
                "url": reverse("accreditation:candidate", args=[c.pk]) if c else reverse("accreditation:pathway"),
            }
        )
    return rows


def _summary_detail(c: Candidate) -> str:
    if c.stage == Candidate.Stage.ENDORSEMENT:
        return "Employer endorsement: map your practice with your manager, who then decides."
    if c.stage == Candidate.Stage.KNOWLEDGE:
        return "Knowledge assessment: take it from your pathway page."
    if c.stage == Candidate.Stage.OBSERVATION:
        return observation_next_step(c)
    return f"{c.get_stage_display()}: waiting for the decision."


def attempt_page(attempt_pk: int) -> Attempt:
    """The attempt, its form (without options' keys being read by templates) and the scenario: four queries."""
    return (
        Attempt.objects.select_related("candidate", "scenario", "standard")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AttemptItem.objects.select_related("item").only(
                    "id",
                    "attempt_id",
                    "position",
                    "selected",
                    "answered_at",
                    "item__id",
                    "item__kind",
                    "item__stem",
                    "item__domain_key",
                    "item__scenario_id",
                ),
            )
        )
        .get(pk=attempt_pk)
    )


def question_options(item_id: int) -> list[tuple[int, str]]:
    """A question's options as (id, text): the key (which are correct) is never loaded for a candidate."""
    from ..models import Option

    return list(Option.objects.filter(item_id=item_id).order_by("position").values_list("id", "text"))


def pipeline() -> dict:
    """Candidates per stage and level (active), closed outcomes, and pass rates of marked attempts."""
    counts = defaultdict(int)
    for row in Candidate.objects.values("level", "stage", "status").annotate(n=Count("id")):
        key = row["stage"] if row["status"] == Candidate.Status.ACTIVE else row["status"]
        counts[(row["level"], key)] += row["n"]
    rates = {
        r["candidate__level"]: r
        for r in Attempt.objects.filter(status=Attempt.Status.MARKED)
        .values("candidate__level")
        .annotate(n=Count("id"), passed=Count("id", filter=Q(passed=True)))
    }
    columns = [*Candidate.STAGES, Candidate.Status.DECLINED, Candidate.Status.WITHDRAWN, Candidate.Status.CLOSED]
    rows = []
    for level in LEVEL_ORDER:
        r = rates.get(level, {"n": 0, "passed": 0})
        rows.append(
            {
                "level": level,
                "label": Level(level).label,
                "counts": [counts[(level, c)] for c in columns],
                "sat": r["n"],
                "passed": r["passed"],
                "pass_rate": round(100 * r["passed"] / r["n"]) if r["n"] else None,
            }
        )
    labels = [STAGE_LABELS.get(c) or Candidate.Status(c).label for c in columns]
    return {"columns": labels, "rows": rows}


def bank(*, level: str = "", status: str = "", domain: str = "") -> QuerySet[Item]:
    """The question bank, filtered, in a fixed order: read a page at a time (``with_use_counts`` for the page)."""
    items = Item.objects.select_related("scenario", "author", "reviewed_by")
    if level:
        items = items.filter(level=level)
    if status:
        items = items.filter(status=status)
    if domain:
        items = items.filter(domain_key=domain)
    return items.order_by("level", "domain_key", "id")


def with_use_counts(items: list[Item]) -> list[Item]:
    """How many drawn tests used each item of a page: counted for the page's items only (one query), since counting
    every item's uses to show fifty read every answer ever given (0.9 s with 20,000 candidates)."""
    counts = dict(
        AttemptItem.objects.filter(item__in=items)
        .values("item_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("item_id", "n")
    )
    for item in items:
        item.use_count = counts.get(item.pk, 0)
    return items


def bank_summary() -> list[dict]:
    """Live items per level and domain, so authors see where the bank is thin."""
    counts = defaultdict(int)
    for row in (
        Item.objects.filter(status=BankStatus.LIVE).values("level", "domain_key", "scenario_id").annotate(n=Count("id"))
    ):
        counts[(row["level"], row["domain_key"], row["scenario_id"] is None)] += row["n"]
    summary = []
    for standard in current_standards():
        for d in standard.domains.all():
            summary.append(
                {
                    "level": standard.get_level_display(),
                    "domain": d.title,
                    "general": counts[(standard.level, d.key, True)],
                    "applied": counts[(standard.level, d.key, False)],
                }
            )
    return summary


def _correlation(n: int, sx: float, sy: float, sxy: float, sxx: float, syy: float) -> float | None:
    """Pearson's correlation from the sums the database adds up (no response is loaded into memory)."""
    if n < 2:
        return None
    spread = (n * sxx - sx * sx) * (n * syy - sy * sy)
    if spread <= 0:
        return None
    return (n * sxy - sx * sy) / math.sqrt(spread)


def _marked_answers(level: str) -> QuerySet[AttemptItem]:
    rows = AttemptItem.objects.filter(attempt__status=Attempt.Status.MARKED)
    return rows.filter(attempt__candidate__level=level) if level else rows


def item_statistics(*, level: str = "") -> dict:
    """Facility (share answering correctly) and discrimination (correlation of the item with the rest of the
    candidate's score: positive means strong candidates get it right more often) per item, weakest first, and each
    item's facility by id (for ``forms_with_facility``). The database adds up each item's answers, so the cost is one
    row per item however many candidates sat the test. Two queries."""
    right = Case(When(correct=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    rest = ExpressionWrapper(Coalesce(F("attempt__score"), Value(0)) - right, output_field=IntegerField())
    sums = (
        _marked_answers(level)
        .values("item_id")
        .order_by()
        .annotate(
            n=Count("id"),
            sx=Sum(right),
            sy=Sum(rest),
            sxy=Sum(ExpressionWrapper(right * rest, output_field=IntegerField())),
            syy=Sum(ExpressionWrapper(rest * rest, output_field=IntegerField())),
        )
    )
    facility: dict[int, float] = {}
    items = []
    for r in sums:
        facility[r["item_id"]] = r["sx"] / r["n"]
        discrimination = _correlation(r["n"], r["sx"], r["sy"], r["sxy"], r["sx"], r["syy"])  # right² = right
        items.append(
            {
                "item_id": r["item_id"],
                "responses": r["n"],
                "facility": round(facility[r["item_id"]], 2),
                "discrimination": _rounded(discrimination),
            }
        )
    stems = dict(Item.objects.filter(pk__in=facility).values_list("pk", "stem"))
    for row in items:
        row["stem"] = stems.get(row["item_id"], "")
    items.sort(key=lambda r: (r["discrimination"] is None, r["discrimination"] or 0, r["item_id"]))
    return {"items": items, "facility": facility}


def marked_forms(*, level: str = "") -> QuerySet[Attempt]:
    """Each candidate's drawn test (form) that has been marked, in the order sat: read a page at a time."""
    attempts = Attempt.objects.filter(status=Attempt.Status.MARKED)
    if level:
        attempts = attempts.filter(candidate__level=level)
    return attempts.only("id", "score", "max_score").order_by("id")


def forms_with_facility(forms, facility: dict[int, float]) -> list[dict]:
    """A page of forms with the mean facility of the items each drew (one query for the page)."""
    forms = list(forms)
    drawn: dict[int, list[int]] = defaultdict(list)
    for attempt_id, item_id in AttemptItem.objects.filter(attempt__in=forms).values_list("attempt_id", "item_id"):
        drawn[attempt_id].append(item_id)
    return [
        {
            "attempt_id": f.pk,
            "score": f.score,
            "max_score": f.max_score,
            "mean_facility": round(sum(facility.get(i, 0) for i in drawn[f.pk]) / len(drawn[f.pk]), 2)
            if drawn[f.pk]
            else None,
        }
        for f in forms
    ]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
