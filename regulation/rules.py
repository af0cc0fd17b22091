"""Who may see and change what on the register."""

import rules

from accounts.rules import is_line_manager, is_regulator_staff, is_signed_in, is_social_worker, is_workforce_lead

EMPLOYER_ROLES = ("line_manager", "workforce_lead")


def _entry_of(obj):
    if obj is None:
        return None
    return obj if obj._meta.model_name == "registerentry" else getattr(obj, "entry", None)


def employer_org_ids(user) -> set[int]:
    return {m.organisation_id for m in user.active_memberships if m.role in EMPLOYER_ROLES}


@rules.predicate
def is_employer_staff(user):
    return is_line_manager(user) or is_workforce_lead(user)


@rules.predicate
def owns_entry_record(user, obj):
    entry = _entry_of(obj)
    return entry is not None and entry.user_id is not None and entry.user_id == user.pk


@rules.predicate
def employs_practitioner(user, obj):
    """A line manager or workforce lead at an organisation where the person works now."""
    entry = _entry_of(obj)
    orgs = employer_org_ids(user) if user.is_authenticated else set()
    if entry is None or not orgs:
        return False
    return entry.employments.filter(employer_id__in=orgs, ended_on__isnull=True).exists()


@rules.predicate
def is_employer_of_employment(user, employment):
    return employment is not None and user.is_authenticated and employment.employer_id in employer_org_ids(user)


@rules.predicate
def is_applicant(user, application):
    return application is not None and application.applicant_id == user.pk


rules.add_perm("regulation.apply", is_signed_in)
rules.add_perm("regulation.view_own_registration", is_signed_in)
rules.add_perm("regulation.view_employed_staff", is_employer_staff)
rules.add_perm("regulation.search_register", is_regulator_staff)
rules.add_perm("regulation.review_applications", is_regulator_staff)
rules.add_perm("regulation.manage_ftp", is_regulator_staff)

rules.add_perm("regulation", is_regulator_staff)  # its models in the administration's index
rules.add_perm("regulation.view_registerentry", owns_entry_record | employs_practitioner | is_regulator_staff)
rules.add_perm("regulation.change_registerentry", is_regulator_staff)
rules.add_perm("regulation.add_cpdrecord", owns_entry_record)
rules.add_perm("regulation.renew_registration", owns_entry_record)
rules.add_perm("regulation.add_directworklog", owns_entry_record)
rules.add_perm("regulation.add_employment", owns_entry_record)
rules.add_perm("regulation.view_statuschange", owns_entry_record | is_regulator_staff)
rules.add_perm("regulation.view_application", is_applicant | is_regulator_staff)
rules.add_perm("regulation.change_application", is_regulator_staff)
rules.add_perm("regulation.respond_to_application", is_applicant)  # regulator staff read it; only the applicant answers
rules.add_perm("regulation.view_renewal", owns_entry_record | is_regulator_staff)
rules.add_perm("regulation.view_cpdrecord", owns_entry_record | is_regulator_staff)
rules.add_perm("regulation.view_directworklog", owns_entry_record | employs_practitioner | is_regulator_staff)
rules.add_perm("regulation.view_employment", owns_entry_record | is_employer_of_employment | is_regulator_staff)
rules.add_perm("regulation.change_employment", owns_entry_record | is_employer_of_employment)
rules.add_perm("regulation.confirm_employment", is_employer_of_employment)
rules.add_perm("regulation.view_fitnesstopractisecase", is_regulator_staff)
rules.add_perm("regulation.change_fitnesstopractisecase", is_regulator_staff)
rules.add_perm("regulation.add_fitnesstopractisecase", is_regulator_staff)
rules.add_perm("regulation.view_casestage", is_regulator_staff)
rules.add_perm("regulation.view_order", owns_entry_record | is_regulator_staff)
rules.add_perm("regulation.change_order", is_regulator_staff)
rules.add_perm("regulation.view_condition", owns_entry_record | is_regulator_staff)
rules.add_perm("regulation.change_condition", is_regulator_staff)
rules.add_perm("regulation.add_condition", is_regulator_staff)
rules.add_perm("regulation.view_annotation", owns_entry_record | is_regulator_staff)
rules.add_perm("regulation.change_annotation", is_regulator_staff)
rules.add_perm("regulation.add_annotation", is_regulator_staff)
rules.add_perm("regulation.view_registrationnumber", is_regulator_staff)

# Reasons on the history pages of register records: fitness-to-practise reasons (health, police) are the
# regulator's alone; the person and their employer see the public facts. An applicant sees the reasons on
# their own application (they were sent them).
for _model in ("registerentry", "order", "condition", "statuschange", "annotation", "fitnesstopractisecase"):
    rules.add_perm(f"regulation.view_{_model}_history_reasons", is_regulator_staff)
rules.add_perm("regulation.view_application_history_reasons", is_applicant | is_regulator_staff)

__all__ = ["is_social_worker"]
