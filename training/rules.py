"""Who may see and change an early-career record: the participant, their supervisor and assessor, the employer's
co-ordinators (line managers and workforce leads there) and regulator staff."""

import rules

from accounts.rules import is_regulator_staff, is_signed_in

EMPLOYER_ROLES = ("line_manager", "workforce_lead")


def coordinator_org_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {m.organisation_id for m in user.active_memberships if m.role in EMPLOYER_ROLES}


def _enrolment(obj):
    return getattr(obj, "enrolment", obj)


@rules.predicate
def is_coordinator(user):
    return bool(coordinator_org_ids(user))


@rules.predicate
def is_participant(user, obj):
    e = _enrolment(obj)
    return e is not None and user.is_authenticated and e.participant_id == user.pk


@rules.predicate
def is_supervisor_of(user, obj):
    e = _enrolment(obj)
    return e is not None and user.is_authenticated and e.supervisor_id == user.pk


@rules.predicate
def is_assessor_of(user, obj):
    e = _enrolment(obj)
    return e is not None and user.is_authenticated and e.assessor_id == user.pk


@rules.predicate
def is_coordinator_of(user, obj):
    e = _enrolment(obj)
    return e is not None and e.employer_id in coordinator_org_ids(user)


@rules.predicate
def coordinates_employer(user, claim):
    return claim is not None and claim.employer_id in coordinator_org_ids(user)


@rules.predicate
def is_open(user, obj):
    e = _enrolment(obj)
    return e is not None and e.is_open


@rules.predicate
def awaiting_internal(user, obj):
    e = _enrolment(obj)
    return e is not None and e.status == "awaiting_moderation"


@rules.predicate
def awaiting_external(user, obj):
    e = _enrolment(obj)
    return e is not None and e.status == "awaiting_external"


PRACTICE_ROLES = ("social_worker", "line_manager", "workforce_lead", "assessor")


def _any(*querysets) -> list[bool]:
    """Whether each query finds a row, in one statement (``SELECT EXISTS (…), EXISTS (…)``), each read by its own
    index: asked as one query with OR and a limit of one, "supervisor or assessor" was planned as a scan of every
    enrolment for someone who is neither."""
    from django.db import connections, router

    parts, params = [], []
    for qs in querysets:
        sql, qs_params = qs.order_by().values("pk")[:1].query.sql_with_params()
        parts.append(f"EXISTS ({sql})")
        params.extend(qs_params)
    with connections[router.db_for_read(querysets[0].model)].cursor() as cursor:
        # Each part is the ORM's own SQL with its parameters kept apart: nothing is composed from input.
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [bool(v) for v in cursor.fetchone()]


def involvement(user) -> set[str]:
    """Whether the person is a participant and/or a supervisor or assessor: one query (each part stops at the first
    enrolment found, however many a supervisor holds), kept for the request.

    Only people who practise can be either: anyone with a practice role, or with no role at all (a social worker
    who registered through the service and was enrolled by their employer), never regulator staff or course leads
    alone."""
    if not user.is_authenticated:
        return set()
    if "_training_involvement" not in user.__dict__:
        found: set[str] = set()
        if not user.roles or any(role in PRACTICE_ROLES for role in user.roles):
            from .models import Enrolment

            participant, supervisor, assessor = _any(
                Enrolment.objects.filter(participant_id=user.pk),
                Enrolment.objects.filter(supervisor_id=user.pk),
                Enrolment.objects.filter(assessor_id=user.pk),
            )
            if participant:
                found.add("participant")
            if supervisor or assessor:
                found.add("team")
        user.__dict__["_training_involvement"] = found
    return user.__dict__["_training_involvement"]


@rules.predicate
def has_team_role(user):
    """Supervisors and assessors are registered social workers who may hold any role in the service."""
    return "team" in involvement(user)


@rules.predicate
def is_any_participant(user):
    return "participant" in involvement(user)


can_view = is_participant | is_supervisor_of | is_assessor_of | is_coordinator_of | is_regulator_staff
runs_programme = is_supervisor_of | is_coordinator_of

rules.add_perm("training", is_regulator_staff)  # its models in the administration's index
rules.add_perm("training.view_programme", is_signed_in)
rules.add_perm("training.view_enrolment", can_view)
rules.add_perm("training.add_enrolment", is_coordinator)
rules.add_perm("training.view_cohort", is_coordinator | is_regulator_staff | has_team_role)
rules.add_perm("training.withdraw_enrolment", is_coordinator_of & is_open)
rules.add_perm("training.record_support", runs_programme & is_open)
rules.add_perm("training.add_evidence", (is_participant | is_supervisor_of | is_assessor_of) & is_open)
rules.add_perm("training.add_pause", is_coordinator_of & is_open)
rules.add_perm("training.record_review", is_assessor_of)
rules.add_perm("training.approve_early_completion", is_coordinator_of & is_open)
rules.add_perm("training.allow_review_outside_window", is_coordinator_of & is_open)
rules.add_perm("training.moderate_internally", is_coordinator_of & awaiting_internal & ~is_assessor_of)
rules.add_perm("training.moderate_externally", is_regulator_staff & awaiting_external)
rules.add_perm("training.view_fundingclaim", coordinates_employer | is_regulator_staff)
rules.add_perm("training.add_fundingclaim", is_coordinator)
rules.add_perm("training.view_national_figures", is_regulator_staff)
rules.add_perm("training.view_journey", is_signed_in)
rules.add_perm("training.add_programme", is_regulator_staff)
rules.add_perm("training.change_programme", is_regulator_staff)
