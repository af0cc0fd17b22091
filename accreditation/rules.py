"""Who may do what on the pathway. Views, the API and templates all ask these."""

import rules

from accounts.rules import is_assessor, is_line_manager, is_regulator_staff, is_signed_in, is_social_worker


def _candidate_of(obj):
    if obj is None:
        return None
    return obj if obj._meta.model_name == "candidate" else getattr(obj, "candidate", None)


@rules.predicate
def is_the_candidate(user, obj):
    candidate = _candidate_of(obj)
    return candidate is not None and candidate.user_id == user.pk


@rules.predicate
def manages_candidate(user, obj):
    """A line manager at the employer the candidate is on the pathway through."""
    candidate = _candidate_of(obj)
    return candidate is not None and any(
        m.role == "line_manager" and m.organisation_id == candidate.organisation_id for m in user.active_memberships
    )


rules.add_perm("accreditation.view_pathway", is_signed_in)
rules.add_perm("accreditation.request_endorsement", is_social_worker)
rules.add_perm("accreditation.nominate", is_line_manager)
rules.add_perm("accreditation.view_nominees", is_line_manager)
rules.add_perm("accreditation.view_candidate", is_the_candidate | manages_candidate | is_regulator_staff)
rules.add_perm("accreditation.map_practice", is_the_candidate | manages_candidate)
rules.add_perm("accreditation.decide_endorsement", manages_candidate & ~is_the_candidate)
rules.add_perm("accreditation.withdraw", is_the_candidate)
rules.add_perm("accreditation.take_test", is_the_candidate)
rules.add_perm("accreditation.view_attempt", is_the_candidate | is_regulator_staff)
rules.add_perm("accreditation.set_adjustment", is_regulator_staff)
rules.add_perm("accreditation.view_pipeline", is_regulator_staff)
rules.add_perm("accreditation.manage_bank", is_regulator_staff)
rules.add_perm("accreditation.manage_standards", is_regulator_staff)
rules.add_perm("accreditation.view_standards", is_signed_in)
rules.add_perm("accreditation.view_statistics", is_regulator_staff)
rules.add_perm("accreditation.view_item", is_regulator_staff)
rules.add_perm("accreditation.view_scenario", is_regulator_staff)
rules.add_perm("accreditation.view_standardversion", is_signed_in)
rules.add_perm("accreditation.view_levelsettings", is_signed_in)


# --- Practice observation ---------------------------------------------------------------------------------------
# Assessors score only scoresheets given to them (conflicts of interest are refused again by the selectors and
# services); regulator staff add sessions, moderate, and see calibration and statistics for every assessor.


@rules.predicate
def is_scoresheet_assessor(user, sheet):
    return sheet is not None and getattr(sheet, "assessor_id", None) == user.pk


rules.add_perm("accreditation.book_observation", is_the_candidate)
rules.add_perm("accreditation.view_assessor_work", is_assessor)
rules.add_perm("accreditation.check_in", is_assessor)
rules.add_perm("accreditation.score", is_assessor & is_scoresheet_assessor)
rules.add_perm("accreditation.view_scoresheet", (is_assessor & is_scoresheet_assessor) | is_regulator_staff)
rules.add_perm("accreditation.view_own_calibration", is_assessor)
rules.add_perm("accreditation.view_calibration", is_regulator_staff)
rules.add_perm("accreditation.moderate", is_regulator_staff)
rules.add_perm("accreditation.manage_sessions", is_regulator_staff)
# The decision and certificate (stage 4): the holder sees and downloads their own; regulator staff confirm, revoke
# and make certificates. The verify pages are public and need no permission.
rules.add_perm("accreditation.view_accreditation", is_the_candidate | is_regulator_staff)
rules.add_perm("accreditation.confirm_decision", is_regulator_staff)
rules.add_perm("accreditation.revoke_accreditation", is_regulator_staff)
rules.add_perm("accreditation.make_certificates", is_regulator_staff)
