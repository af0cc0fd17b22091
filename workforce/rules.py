"""Who may see and send workforce returns and reports."""

import rules

from accounts.rules import is_regulator_staff, is_workforce_lead


@rules.predicate
def can_report_for_unit(user, unit):
    """A workforce lead of any council the reporting unit covers (joint returns cover two)."""
    if unit is None or not is_workforce_lead(user):
        return False
    mine = {o.pk for o in user.organisations_for("workforce_lead")}
    return any(o.pk in mine for o in unit.organisations.all())


@rules.predicate
def is_own_return(user, workforce_return):
    return workforce_return is not None and can_report_for_unit(user, workforce_return.unit)


@rules.predicate
def is_own_version(user, version):
    return version is not None and is_own_return(user, version.workforce_return)


rules.add_perm("workforce", is_regulator_staff)  # its models in the administration's index
rules.add_perm("workforce.view_own_report", is_workforce_lead)
rules.add_perm("workforce.send_return", is_workforce_lead)
rules.add_perm("workforce.view_all_authorities", is_regulator_staff)
# Published figures are public; the table of them is for leads too. Provisional years stay with regulator staff.
rules.add_perm("workforce.view_authorities_table", is_workforce_lead | is_regulator_staff)
rules.add_perm("workforce.view_workforcereturn", is_own_return | is_regulator_staff)
rules.add_perm("workforce.change_workforcereturn", is_own_return)
rules.add_perm("workforce.add_workforcereturn", is_workforce_lead)
rules.add_perm("workforce.view_returnversion", is_own_version | is_regulator_staff)
rules.add_perm("workforce.view_reportingunit", can_report_for_unit | is_regulator_staff)
rules.add_perm("workforce.view_publishedstatistic", is_workforce_lead | is_regulator_staff)
rules.add_perm("workforce.view_statisticalneighbour", is_regulator_staff)
