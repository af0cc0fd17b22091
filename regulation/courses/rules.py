"""Who may see and change what in course approval. Course leads act for their own provider only."""

import rules

from accounts.rules import is_course_lead, is_regulator_staff


def lead_organisation_ids(user) -> set[int]:
    if not user or not user.is_authenticated:
        return set()
    return {m.organisation_id for m in user.active_memberships if m.role == "course_lead"}


def provider_organisation_id(obj):
    """The provider organisation behind any course-approval record."""
    if obj is None:
        return None
    name = obj._meta.model_name
    if name == "educationprovider":
        return obj.organisation_id
    if name == "course":
        return obj.provider.organisation_id
    if name in ("courseapplication", "coursecondition", "monitoringreturn", "coursestatuschange"):
        return obj.course.provider.organisation_id
    if name in ("evidencedocument", "informationrequest", "standardevidence", "inspection", "standardreview"):
        return obj.application.course.provider.organisation_id
    return None


@rules.predicate
def leads_provider_of(user, obj):
    org = provider_organisation_id(obj)
    return org is not None and org in lead_organisation_ids(user)


rules.add_perm("regulation.lead_courses", is_course_lead)
rules.add_perm("regulation.review_courses", is_regulator_staff)
rules.add_perm("regulation.view_educationprovider", leads_provider_of | is_regulator_staff)
rules.add_perm("regulation.change_educationprovider", leads_provider_of | is_regulator_staff)
rules.add_perm("regulation.view_course", leads_provider_of | is_regulator_staff)
rules.add_perm("regulation.change_course", leads_provider_of)
rules.add_perm("regulation.apply_for_course", leads_provider_of)
rules.add_perm("regulation.end_course_approval", is_regulator_staff)
rules.add_perm("regulation.view_courseapplication", leads_provider_of | is_regulator_staff)
rules.add_perm("regulation.change_courseapplication", leads_provider_of)
rules.add_perm("regulation.decide_courseapplication", is_regulator_staff)
rules.add_perm("regulation.view_evidencedocument", leads_provider_of | is_regulator_staff)
rules.add_perm("regulation.view_coursecondition", leads_provider_of | is_regulator_staff)
rules.add_perm("regulation.respond_coursecondition", leads_provider_of)
rules.add_perm("regulation.decide_coursecondition", is_regulator_staff)
rules.add_perm("regulation.view_monitoringreturn", leads_provider_of | is_regulator_staff)
rules.add_perm("regulation.submit_monitoringreturn", leads_provider_of)
rules.add_perm("regulation.review_monitoringreturn", is_regulator_staff)
rules.add_perm("regulation.view_course_figures", is_regulator_staff)
