"""Render Django form fields as GOV.UK Design System components."""

import copy
import html

from django import forms, template
from django.forms.utils import flatatt
from django.utils.formats import localize
from django.utils.safestring import mark_safe

register = template.Library()

_INPUT_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


@register.filter
def govuk_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):  # checked first: Django makes it a RadioSelect subclass
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.filter
def govuk_widget(bound_field):
    kind = govuk_kind(bound_field)
    css = _INPUT_CLASSES.get(kind, "govuk-input")
    if bound_field.errors:
        css += f" {css.split()[0]}--error"
    attrs = {"class": " ".join([css, bound_field.field.widget.attrs.get("class", "")]).strip()}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    widget = bound_field.field.widget
    if "placeholder" in widget.attrs:  # GOV.UK: never a placeholder; the label and hint say what to enter
        widget = copy.copy(widget)
        widget.attrs = {k: v for k, v in widget.attrs.items() if k != "placeholder"}
    return bound_field.as_widget(widget=widget, attrs=attrs)


def _escaped(value, *, localised: bool = True) -> str:
    """As the template would write it: safe strings as they are, anything else escaped (Django's escape is
    ``html.escape``; called directly here, it is some fifty times cheaper than format_html per value). A label is
    localised as ``{{ label }}`` does; a value is written as ``|stringformat:'s'`` does."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    if not isinstance(value, str):
        value = str(localize(value)) if localised else str(value)
    return html.escape(value)


def _option_attrs(attrs: dict) -> str:
    if not attrs:
        return ""
    if attrs == {"selected": True}:
        return " selected"
    return flatatt(attrs)


@register.filter
def select_options(widget) -> str:
    """A select's options as Django's own templates write them (select.html, select_option.html), written here in
    one pass: a template include per option cost about 0.1 ms, so a list of the 2,000 colleagues who could supervise
    someone at a large council took over 200 ms to draw."""
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_escaped(group_name)}">')
        parts.extend(
            f'\n  <option value="{_escaped(option["value"], localised=False)}"{_option_attrs(option["attrs"])}>'
            f"{_escaped(option['label'])}</option>"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # nosec B308 B703 # every value and label above was escaped


@register.filter
def money(amount) -> str:
    """Pounds as GOV.UK writes them: £1,000.00 (the pence always, thousands separated)."""
    if amount in (None, ""):
        return ""
    from decimal import Decimal

    return f"£{Decimal(amount):,.2f}"


# A status's colour, by what it means to the person reading it, as the GOV.UK tag component sets out: red needs
# action now, yellow is waiting or close to its date, blue is still to do, green is done, grey has stopped.
STATUS_COLOURS = [
    (
        "govuk-tag--red",
        (
            "overdue",
            "refused",
            "fail",
            "not passed",
            "revoked",
            "suspended",
            "removed",
            "lapsed",
            "action needed",
            "above expectation",
            "behind",
            "not met",
            "rejected",
            "expired",
        ),
    ),
    (
        "govuk-tag--grey",
        ("paused", "withdrawn", "closed", "cannot start", "ended", "not applicable", "retired", "cancelled"),
    ),
    ("govuk-tag--blue", ("not sent", "not started", "not submitted", "not yet", "to do", "draft", "incomplete")),
    ("govuk-tag--yellow", ("due soon", "waiting", "review", "pending", "returned", "with a second", "moderation")),
    (
        "govuk-tag--green",
        (
            "done",
            "complete",
            "approved",
            "registered",
            "passed",
            "up to date",
            "accredited",
            "submitted",
            "confirmed",
            "met",
            "on track",
            "sent",
            "practising",
            "live",
        ),
    ),
]


@register.filter
def status_tag(status) -> str:
    """The GOV.UK tag colour class for a status in words: "Overdue" is red, "Done" green, "To do" blue."""
    text = str(status or "").lower()
    for colour, words in STATUS_COLOURS:
        if any(word in text for word in words):
            return colour
    return "govuk-tag--blue"
