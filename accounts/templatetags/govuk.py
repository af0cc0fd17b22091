"""Render Django form fields as GOV.UK Design System components."""

import copy

from django import forms, template

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


@register.filter
def money(amount) -> str:
    """Pounds as GOV.UK writes them: £1,000.00 (the pence always, thousands separated)."""
    if amount in (None, ""):
        return ""
    from decimal import Decimal

    return f"£{Decimal(amount):,.2f}"
