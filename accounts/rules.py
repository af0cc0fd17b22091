"""Who may do what on the platform. Feature apps build on these predicates in their own rules.py."""

import rules

from .models import Role


def _has_role(role):
    @rules.predicate(name=f"is_{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.is_active and role in user.roles)

    return predicate


is_social_worker = _has_role(Role.SOCIAL_WORKER)
is_line_manager = _has_role(Role.LINE_MANAGER)
is_assessor = _has_role(Role.ASSESSOR)
is_workforce_lead = _has_role(Role.WORKFORCE_LEAD)
is_course_lead = _has_role(Role.COURSE_LEAD)
is_regulator_staff = _has_role(Role.REGULATOR_STAFF)


@rules.predicate
def is_signed_in(user):
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_self(user, other):
    return other is not None and user.pk == getattr(other, "pk", None)


@rules.predicate
def is_member_of(user, organisation):
    return organisation is not None and any(m.organisation_id == organisation.pk for m in user.active_memberships)


@rules.predicate
def is_job_owner(user, job):
    return job is not None and job.created_by_id == user.pk


@rules.predicate
def can_see_record_history(user, obj):
    """History is shown to regulator staff, and to anyone the record's own app lets view the record."""
    if obj is None:
        return False
    if is_regulator_staff(user):
        return True
    perm = f"{obj._meta.app_label}.view_{obj._meta.model_name}"
    return rules.has_perm(perm, user, obj) if rules.perm_exists(perm) else False


@rules.predicate
def can_see_history_reasons(user, obj):
    """Reasons in audit events can hold private facts (a panel's reasons for an interim order: health, police).

    Regulator staff see them. For anyone else a record's own app decides with a
    ``<app>.view_<model>_history_reasons`` rule; a record whose app names no such rule shows its reasons to
    whoever may see its history.
    """
    if obj is None:
        return False
    if is_regulator_staff(user):
        return True
    perm = f"{obj._meta.app_label}.view_{obj._meta.model_name}_history_reasons"
    return rules.has_perm(perm, user, obj) if rules.perm_exists(perm) else True


rules.add_perm("accounts.access_admin", is_regulator_staff)
# An app's models are listed in the administration for whoever holds the permission named after the app (django-rules
# answers Django's has_module_perms so): without it, the administration's index offered regulator staff nothing.
rules.add_perm("accounts", is_regulator_staff)
rules.add_perm("accounts.view_user", is_self | is_regulator_staff)
rules.add_perm("accounts.change_user", is_regulator_staff)
rules.add_perm("accounts.view_organisation", is_regulator_staff | is_member_of)
rules.add_perm("accounts.change_organisation", is_regulator_staff)
rules.add_perm("accounts.add_organisation", is_regulator_staff)
rules.add_perm("accounts.view_membership", is_regulator_staff)
rules.add_perm("accounts.add_membership", is_regulator_staff)
rules.add_perm("accounts.change_membership", is_regulator_staff)
rules.add_perm("accounts.view_auditevent", is_regulator_staff)
rules.add_perm("accounts.view_service_health", is_regulator_staff)
rules.add_perm("accounts.export_auditevents", is_regulator_staff)
rules.add_perm("accounts.view_job", is_job_owner)
rules.add_perm("accounts.view_history", can_see_record_history)
rules.add_perm("accounts.view_history_reasons", can_see_history_reasons)
rules.add_perm("accounts.view_region", is_signed_in)
rules.add_perm("accounts.view_organisationcode", is_regulator_staff)
# Who holds an API token, never its key, and revoking one (``admin.ApiTokenAdmin``); only its holder makes one.
rules.add_perm("accounts.view_apitoken", is_regulator_staff)
rules.add_perm("accounts.delete_apitoken", is_regulator_staff)
