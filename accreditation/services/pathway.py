"""Standards, settings, and the first stage: nomination or request, practice mapping, endorsement."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role, User
from accounts.notifications import link, notify
from accounts.services import ServiceError, record_event, require
from regulation import selectors as register

from ..models import Candidate, Domain, Level, LevelSettings, PracticeMapping, StandardVersion


def current_standard(level: str) -> StandardVersion:
    return StandardVersion.objects.filter(level=level).order_by("-version").first()


def level_settings(level: str) -> LevelSettings:
    return LevelSettings.objects.get(level=level)


def ensure_standards() -> None:
    """Version 1 of each statement and default settings, if missing (as the data migration seeds them).

    For databases emptied after migrating, such as browser tests' flushed tables."""
    from ..standards import GENERAL_ITEMS_LEVEL, STATEMENTS

    for level, (title, domains) in STATEMENTS.items():
        if not StandardVersion.objects.filter(level=level).exists():
            standard = StandardVersion.objects.create(
                level=level, version=1, title=title, change_note="As first published."
            )
            Domain.objects.bulk_create(
                Domain(standard=standard, key=key, position=i, title=heading)
                for i, (key, heading) in enumerate(domains, start=1)
            )
        LevelSettings.objects.get_or_create(level=level, defaults={"general_items_level": GENERAL_ITEMS_LEVEL[level]})


@transaction.atomic
def revise_standard(*, level: str, domains: list[dict], by: User, reason: str) -> StandardVersion:
    """Publish a new version of a statement. Earlier versions stay, with the candidates assessed under them."""
    require(level in Level.values, "Choose a level.")
    require(bool(reason.strip()), "Say what changed and why.")
    require(bool(domains), "A statement needs at least one domain.")
    require(all(d.get("title", "").strip() for d in domains), "Every domain needs a heading.")
    keys = [d["key"] for d in domains]
    require(len(set(keys)) == len(keys), "Each domain must appear once.")
    latest = StandardVersion.objects.select_for_update().filter(level=level).order_by("-version").first()
    standard = StandardVersion.objects.create(
        level=level,
        version=(latest.version + 1) if latest else 1,
        title=latest.title if latest else Level(level).label,
        published_by=by,
        change_note=reason,
    )
    Domain.objects.bulk_create(
        Domain(
            standard=standard,
            key=d["key"],
            position=i,
            title=d["title"].strip(),
            description=d.get("description", "").strip(),
        )
        for i, d in enumerate(domains, start=1)
    )
    record_event(
        standard,
        "standard_published",
        by=by,
        reason=reason,
        from_state=f"v{latest.version}" if latest else "",
        to_state=f"v{standard.version}",
    )
    return standard


SETTING_FIELDS = [
    "general_items",
    "applied_items",
    "minutes",
    "pass_mark_percent",
    "resit_wait_days",
    "attempt_limit",
]


@transaction.atomic
def update_settings(*, level: str, by: User, reason: str, **values) -> LevelSettings:
    require(bool(reason.strip()), "Say why the settings are changing.")
    settings = LevelSettings.objects.select_for_update().get(level=level)
    require(values.get("minutes", settings.minutes) > 0, "The test needs some time.")
    require(0 < values.get("pass_mark_percent", settings.pass_mark_percent) <= 100, "Pass mark must be 1 to 100.")
    require(values.get("attempt_limit", settings.attempt_limit) > 0, "Allow at least one attempt.")
    require(
        values.get("general_items", settings.general_items) + values.get("applied_items", settings.applied_items) > 0,
        "A form needs at least one question.",
    )
    changes = {}
    for field in SETTING_FIELDS:
        if field in values and getattr(settings, field) != values[field]:
            changes[field] = [getattr(settings, field), values[field]]
            setattr(settings, field, values[field])
    if changes:
        settings.save(update_fields=list(changes))
        record_event(settings, "settings_changed", by=by, reason=reason, changes=changes)
    return settings


def pause_reason(standing: dict | None) -> str:
    """Why a candidate cannot go on: off the register, or suspended, removed or lapsed (with the register's reason)."""
    if standing is None:
        return "Not on the register."
    if not standing["practising"]:
        why = f": {standing['reason']}" if standing["reason"] else ""
        return f"{standing['status_label']} on the register{why}"
    return ""


def _eligible(user: User, level: str) -> dict:
    standing = register.practice_standing([user.pk]).get(user.pk)
    paused = pause_reason(standing)
    require(not paused, f"Only a practising registered social worker can start the pathway ({paused})")
    require(
        not Candidate.objects.filter(user=user, level=level, status=Candidate.Status.ACTIVE).exists(),
        f"{user} is already on the pathway for {Level(level).label}.",
    )
    require(level not in standing["accredited"], f"{user} is already accredited as {Level(level).label}.")
    return standing


def _create(*, user, level, organisation, by, endorsement, reason) -> Candidate:
    standing = _eligible(user, level)
    standard = current_standard(level)
    require(standard is not None, f"No standard is published for {Level(level).label} yet.")
    try:
        with transaction.atomic():
            candidate = Candidate.objects.create(
                user=user,
                level=level,
                standard=standard,
                organisation=organisation,
                registration_number=standing["registration_number"],
                endorsement=endorsement,
                started_by=by,
            )
    except IntegrityError as exc:  # two people nominating at once: the constraint keeps one
        raise ServiceError(f"{user} is already on the pathway for {Level(level).label}.") from exc
    record_event(candidate, endorsement, by=by, reason=reason, to_state=Candidate.Stage.ENDORSEMENT)
    if endorsement == Candidate.Endorsement.REQUESTED:
        managers = User.objects.filter(
            memberships__organisation=organisation,
            memberships__role=Role.LINE_MANAGER,
            memberships__ended_on__isnull=True,
            is_active=True,
        ).exclude(pk=user.pk)
        _tell(candidate, "endorsement_asked", to=list(managers.distinct()))
    else:
        _tell(candidate, "nominated", to=[user])
    return candidate


def _tell(candidate: Candidate, event: str, *, to: list[User]) -> None:
    notify(
        to=to,
        template=f"accreditation/{event}",
        context={"candidate": candidate, "url": link(reverse("accreditation:candidate", args=[candidate.pk]))},
        about=candidate,
    )


@transaction.atomic
def nominate(*, manager: User, user: User, level: str, organisation: Organisation, reason: str = "") -> Candidate:
    """A line manager puts forward a social worker the register says works for their organisation."""
    require(level in Level.values, "Choose a level.")
    require(manager.has_role("line_manager", organisation), "Only a line manager of the organisation can nominate.")
    require(manager.pk != user.pk, "You cannot nominate yourself.")
    require(
        organisation.pk in register.current_employer_ids(user),
        f"The register does not show {user} working for {organisation}.",
    )
    return _create(
        user=user,
        level=level,
        organisation=organisation,
        by=manager,
        endorsement=Candidate.Endorsement.NOMINATED,
        reason=reason,
    )


@transaction.atomic
def request_endorsement(*, user: User, level: str, organisation: Organisation, reason: str = "") -> Candidate:
    """The social worker asks their employer's line managers to endorse them."""
    require(level in Level.values, "Choose a level.")
    require(
        organisation.pk in register.current_employer_ids(user),
        "Choose an employer the register shows you working for.",
    )
    return _create(
        user=user,
        level=level,
        organisation=organisation,
        by=user,
        endorsement=Candidate.Endorsement.REQUESTED,
        reason=reason,
    )


def _lock(candidate: Candidate) -> Candidate:
    return Candidate.objects.select_for_update().select_related("standard", "organisation").get(pk=candidate.pk)


def _is_manager(user: User, candidate: Candidate) -> bool:
    return any(
        m.role == "line_manager" and m.organisation_id == candidate.organisation_id for m in user.active_memberships
    )


@transaction.atomic
def save_mapping(*, candidate: Candidate, by: User, statements: dict[str, str]) -> list[PracticeMapping]:
    """Worker and manager write, for each domain, how the worker's practice meets it."""
    candidate = _lock(candidate)
    require(by.pk == candidate.user_id or _is_manager(by, candidate), "Only the worker or their manager can map.")
    require(
        candidate.is_active and candidate.stage == Candidate.Stage.ENDORSEMENT,
        "Practice can only be mapped before the endorsement decision.",
    )
    keys = set(candidate.standard.domains.values_list("key", flat=True))
    unknown = set(statements) - keys
    require(not unknown, "That domain is not in this level's statement.")
    now = timezone.now()
    existing = {m.domain_key: m for m in candidate.mappings.all()}
    saved, changed = [], []
    for key, text in statements.items():
        text = (text or "").strip()
        if not text:
            continue
        mapping = existing.get(key)
        if mapping is None:
            mapping = PracticeMapping.objects.create(
                candidate=candidate, domain_key=key, statement=text, updated_by=by, updated_at=now
            )
            changed.append(key)
        elif mapping.statement != text:
            mapping.statement, mapping.updated_by, mapping.updated_at = text, by, now
            mapping.save(update_fields=["statement", "updated_by", "updated_at"])
            changed.append(key)
        saved.append(mapping)
    if changed:
        record_event(candidate, "practice_mapped", by=by, changes={"domains": sorted(changed)})
    return saved


def _decide_guard(candidate: Candidate, by: User) -> None:
    require(_is_manager(by, candidate), "Only a line manager of the candidate's employer can decide.")
    require(by.pk != candidate.user_id, "You cannot endorse yourself.")
    require(
        candidate.is_active and candidate.stage == Candidate.Stage.ENDORSEMENT,
        "The endorsement has already been decided.",
    )


@transaction.atomic
def endorse(*, candidate: Candidate, by: User, reason: str) -> Candidate:
    candidate = _lock(candidate)
    _decide_guard(candidate, by)
    require(bool(reason.strip()), "Give your reasons for endorsing.")
    paused = pause_reason(register.practice_standing([candidate.user_id]).get(candidate.user_id))
    require(not paused, f"The candidate cannot be endorsed while: {paused}")
    keys = set(candidate.standard.domains.values_list("key", flat=True))
    mapped = set(candidate.mappings.values_list("domain_key", flat=True))
    require(keys <= mapped, f"Map practice against every domain first ({len(keys - mapped)} still to do).")
    before = candidate.endorsement
    candidate.endorsement = Candidate.Endorsement.ENDORSED
    candidate.stage = Candidate.Stage.KNOWLEDGE
    candidate.endorsement_decided_by, candidate.endorsement_decided_at = by, timezone.now()
    candidate.endorsement_reason = reason.strip()
    candidate.save(
        update_fields=[
            "endorsement",
            "stage",
            "endorsement_decided_by",
            "endorsement_decided_at",
            "endorsement_reason",
        ]
    )
    record_event(candidate, "endorsed", by=by, reason=reason, from_state=before, to_state=Candidate.Stage.KNOWLEDGE)
    _tell(candidate, "endorsed", to=[candidate.user])
    return candidate


@transaction.atomic
def decline(*, candidate: Candidate, by: User, reason: str) -> Candidate:
    candidate = _lock(candidate)
    _decide_guard(candidate, by)
    require(bool(reason.strip()), "Give your reasons for declining, so the social worker knows what to work on.")
    before = candidate.endorsement
    candidate.endorsement = Candidate.Endorsement.DECLINED
    candidate.status = Candidate.Status.DECLINED
    candidate.endorsement_decided_by, candidate.endorsement_decided_at = by, timezone.now()
    candidate.endorsement_reason = reason.strip()
    candidate.closed_at = timezone.now()
    candidate.save(
        update_fields=[
            "endorsement",
            "status",
            "endorsement_decided_by",
            "endorsement_decided_at",
            "endorsement_reason",
            "closed_at",
        ]
    )
    record_event(candidate, "endorsement_declined", by=by, reason=reason, from_state=before, to_state="declined")
    _tell(candidate, "endorsement_declined", to=[candidate.user])
    return candidate


@transaction.atomic
def withdraw(*, candidate: Candidate, by: User, reason: str) -> Candidate:
    candidate = _lock(candidate)
    require(by.pk == candidate.user_id, "Only the candidate can withdraw.")
    require(candidate.is_active, "You are no longer on the pathway at this level.")
    require(not candidate.attempts.filter(status="in_progress").exists(), "Finish your test first.")
    require(bool(reason.strip()), "Say why you are withdrawing.")
    candidate.status, candidate.closed_at, candidate.closed_reason = Candidate.Status.WITHDRAWN, timezone.now(), reason
    candidate.save(update_fields=["status", "closed_at", "closed_reason"])
    record_event(candidate, "withdrawn", by=by, reason=reason, to_state="withdrawn")
    return candidate
