"""GOV.UK tag colours for register statuses, the same on every page."""

from django import template

register = template.Library()

_COLOURS = {
    "registered": "govuk-tag--green",
    "registered_with_conditions": "govuk-tag--orange",
    "suspended": "govuk-tag--red",
    "removed": "govuk-tag--red",
    "lapsed": "govuk-tag--grey",
    "voluntarily_removed": "govuk-tag--grey",
    # Applications
    "submitted": "govuk-tag--blue",
    "more_information": "govuk-tag--yellow",
    "approved": "govuk-tag--green",
    "refused": "govuk-tag--red",
    "withdrawn": "govuk-tag--grey",
}


@register.filter
def status_tag_class(status: str) -> str:
    return _COLOURS.get(str(status), "govuk-tag--grey")
