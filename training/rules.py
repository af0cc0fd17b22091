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


def involvement(user) -> set[str]:
    """Whether the person is a participant and/or a supervisor or assessor: three short queries (each stops at the
    first enrolment found, however many a supervisor holds), kept for the request.

    Only people who practise can be either: anyone with a practice role, or with no role at all (a social worker
    who registered through the service and was enrolled by their employer), never regulator staff or course leads
    alone."""
    if not user.is_authenticated:
        return set()
    if "_training_involvement" not in user.__dict__:
        found: set[str] = set()
        if not user.roles or any(role in PRACTICE_ROLES for role in user.roles):
            from .models import Enrolment

            if Enrolment.objects.filter(participant_id=user.pk).exists():
                found.add("participant")
            # Asked one column at a time, each read by its own index ("supervisor or assessor" with a limit of one
            # was planned as a scan of every enrolment), and both always asked, so the queries a page makes do not
            # depend on the answer.
            supervises = Enrolment.objects.filter(supervisor_id=user.pk).exists()
            assesses = Enrolment.objects.filter(assessor_id=user.pk).exists()
            if supervises or assesses:
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
