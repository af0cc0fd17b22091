"""One journey per practitioner: registration → early career → each accreditation level → expert practitioner.

Built from selectors only: the register's (``regulation.selectors``), ours, and — when the accreditation app
exposes it — ``accreditation.selectors.pathway_summary_for(user)``. Neither app reads the other's tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from regulation import selectors as register

from . import schedule, selectors, services

LEVEL_ANNOTATIONS = [
    ("accredited_practitioner", "Approved Child and Family Practitioner"),
    ("accredited_supervisor", "Accredited Practice Supervisor"),
    ("accredited_leader", "Accredited Practice Leader"),
]
STATE_LABELS = {
    "done": "Done",
    "current": "In progress",
    "next": "Next",
    "not_started": "Not started",
    "not_needed": "Not needed",
}
STATE_TAGS = {
    "done": "govuk-tag--green",
    "current": "govuk-tag--blue",
    "next": "govuk-tag--yellow",
    "not_started": "govuk-tag--grey",
    "not_needed": "govuk-tag--grey",
}


@dataclass
class Step:
    title: str
    state: str  # done, current, next, not_started, not_needed
    detail: str = ""
    url: str = ""
    source: str = ""

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state.replace("_", " ").capitalize())

    @property
    def tag(self) -> str:
        return STATE_TAGS.get(self.state, "govuk-tag--grey")


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def accreditation_summary(user) -> list[dict] | None:
    """The accreditation app's own summary, if it exposes one; None otherwise (we then read the register).

    ``accreditation.selectors.pathway_summary_for(user)`` gives a list of dicts with ``level``, ``status``,
    ``detail`` and ``url``. Looked up when the page is built, so the page works before and after it lands."""
    try:
        from accreditation import selectors as accreditation_selectors
    except ImportError:
        return None
    summary_for = getattr(accreditation_selectors, "pathway_summary_for", None)
    if not callable(summary_for):
        return None
    return list(summary_for(user) or [])


# The accreditation app's words for where someone is, in the journey's four states.
STATUS_SYNONYMS = {
    "done": "done",
    "passed": "done",
    "accredited": "done",
    "complete": "done",
    "completed": "done",
    "current": "current",
    "in_progress": "current",
    "started": "current",
    "endorsed": "current",
    "next": "next",
    "available": "next",
    "eligible": "next",
    "not_started": "not_started",
    "": "not_started",
}


def _field(level, key: str) -> str:
    value = level.get(key) if isinstance(level, dict) else getattr(level, key, "")
    return "" if value is None else str(value)


def _safe_url(url: str) -> str:
    """Only a path on this service: a summary never sends someone off-site or runs script from a link."""
    return url if url.startswith("/") and not url.startswith("//") else ""


def _accreditation_step(level) -> Step:
    status = _field(level, "status").strip().lower().replace(" ", "_").replace("-", "_")
    return Step(
        _field(level, "level"),
        STATUS_SYNONYMS.get(status, status or "not_started"),
        _field(level, "detail"),
        _safe_url(_field(level, "url")),
        "accreditation",
    )


def _newly_qualified(qualified_on, today) -> bool:
    """Within the years after qualifying in which someone may start a programme (the enrolment rule's window)."""
    return qualified_on >= today - relativedelta(years=services.qualified_within_years())


def journey_for(user) -> list[Step]:
    today = timezone.localdate()
    entry = register.entry_with_annotations(user)
    annotations = list(entry.annotations.all()) if entry else []
    in_force = {a.kind: a for a in annotations if a.in_force_on(today)}
    steps: list[Step] = []

    if entry is None:
        steps.append(
            Step(
                "Registration",
                "next",
                "Apply to join the register to practise as a social worker.",
                _url("regulation:apply"),
                "register",
            )
        )
    else:
        steps.append(
            Step(
                "Registration",
                "done" if entry.is_practising else "current",
                f"{entry.registration_number}, registered since {entry.registered_on:%-d %B %Y}; "
                f"{entry.get_status_display().lower()}.",
                _url("regulation:my_registration"),
                "register",
            )
        )

    enrolment = selectors.current_enrolment(user)
    completed = in_force.get("early_career_completed")
    if enrolment is not None and enrolment.status == "passed":
        steps.append(
            Step(
                f"Early career: {enrolment.programme.short_name}",
                "done",
                f"Passed on {enrolment.outcome_on:%-d %B %Y}"
                + ("; shown on your register entry." if completed else "."),
                _url("training:my_programme"),
                "early career",
            )
        )
    elif enrolment is not None and enrolment.is_open:
        row = selectors.cohort_rows([enrolment], today)[0]
        nxt = f"Next: {row.next_point.label.lower()} due {row.next_point.due_on:%-d %B %Y}." if row.next_point else ""
        steps.append(
            Step(
                f"Early career: {enrolment.programme.short_name}",
                "current",
                f"{enrolment.get_status_display()}, ending {enrolment.end_date:%-d %B %Y}. {nxt}".strip(),
                _url("training:my_programme"),
                "early career",
            )
        )
    elif completed:
        steps.append(Step("Early career", "done", completed.note or str(completed), "", "register"))
    elif enrolment is not None:
        steps.append(
            Step(
                f"Early career: {enrolment.programme.short_name}",
                "current",
                f"{enrolment.get_status_display()}. Talk to your employer about what comes next.",
                _url("training:my_programme"),
                "early career",
            )
        )
    elif entry is not None and not _newly_qualified(entry.qualified_on, today):
        steps.append(
            Step(
                "Early career",
                "not_needed",
                f"You qualified on {entry.qualified_on:%-d %B %Y}: the ASYE and the early career programme are for "
                f"social workers in their first {services.qualified_within_years()} years after qualifying.",
                "",
                "early career",
            )
        )
    else:
        steps.append(
            Step(
                "Early career",
                "next" if entry else "not_started",
                "Newly qualified? Your employer enrols you on the ASYE or the early career programme.",
                "",
                "early career",
            )
        )

    summary = accreditation_summary(user)
    if summary:
        steps.extend(_accreditation_step(level) for level in summary)
    else:  # no summary yet (or nothing in it): the levels as the register records them
        first_open = True
        for kind, label in LEVEL_ANNOTATIONS:
            annotation = in_force.get(kind)
            if annotation:
                steps.append(Step(label, "done", f"Accredited since {annotation.starts_on:%-d %B %Y}.", "", "register"))
            else:
                steps.append(
                    Step(
                        label,
                        "next" if first_open else "not_started",
                        "Your employer endorses you, then you take the knowledge assessment and a practice observation."
                        if first_open
                        else "",
                        "",
                        "register",
                    )
                )
                first_open = False

    expert = in_force.get("expert_practitioner")
    later = schedule.later_points(enrolment, enrolment.reviews.all(), today) if enrolment else []
    if expert:
        steps.append(Step("Expert practitioner", "done", f"Since {expert.starts_on:%-d %B %Y}.", "", "register"))
    elif later:
        done = [p for p in later if p.review is not None]
        upcoming = next((p for p in later if p.review is None), None)
        detail = "; ".join(f"{p.label}: {p.review.get_recommendation_display().lower()}" for p in done)
        if upcoming:
            detail = (detail + "; " if detail else "") + f"{upcoming.label} due {upcoming.due_on:%-d %B %Y}."
        steps.append(Step("Expert practitioner", "current" if done else "next", detail, "", "early career"))
    else:
        steps.append(
            Step(
                "Expert practitioner",
                "not_started",
                "Year 2 and year 5 assessments after the early career programme lead to expert practitioner status.",
                "",
                "early career",
            )
        )
    return steps
