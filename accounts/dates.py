"""The GOV.UK date input (day, month and year boxes) as a Django form field any app can use.

    from accounts.dates import GovUKDateField

    class CPDForm(forms.Form):
        activity_date = GovUKDateField(
            label="Date of the activity",
            hint="For example, 27 3 2026",
            latest=date.today,                # "… must be today or in the past"
            earliest=lambda: date(1900, 1, 1),
        )

It renders as the GOV.UK pattern (a fieldset, a legend, three numeric inputs named ``<name>-day``,
``<name>-month`` and ``<name>-year``), redisplays what was typed, prefills from ``initial`` (a date or a
callable), and gives the GOV.UK error wording ("Enter the date of the activity", "Date of the activity must
include a month", "… must be a real date", "Year must include 4 numbers", "… must be today or in the past").
A single ``<name>`` value in ISO form (2026-03-27) is also accepted, so API-style posts and scripts still work.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")
DateBound = datetime.date | Callable[[], datetime.date] | None


def _resolve(bound: DateBound) -> datetime.date | None:
    return bound() if callable(bound) else bound


class GovUKDateInput(forms.Widget):
    template_name = "govuk/forms/date_input.html"

    def format_value(self, value):
        if isinstance(value, dict):
            return {part: value.get(part) or "" for part in PARTS}
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            value = datetime.date.fromisoformat(value)
        if isinstance(value, datetime.date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        return {part: "" for part in PARTS}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        error = "--error" in attrs.get("class", "")
        base_id = attrs.get("id") or f"id_{name}"
        values = self.format_value(value)
        context["widget"]["parts"] = [
            {
                "label": part.capitalize(),
                "name": f"{name}-{part}",
                # The day box takes the field's own id, so the error summary's link lands on it.
                "id": base_id if part == "day" else f"{base_id}-{part}",
                "value": values[part],
                "width": 4 if part == "year" else 2,
                "error": error,
                "autocomplete": self.autocomplete.get(part, "") if self.autocomplete else "",
            }
            for part in PARTS
        ]
        return context

    autocomplete: dict | None = None

    def value_from_datadict(self, data, files, name):
        if any(f"{name}-{part}" in data for part in PARTS):
            return {part: (data.get(f"{name}-{part}") or "").strip() for part in PARTS}
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}-{part}" in data for part in PARTS)


class GovUKDateField(forms.Field):
    widget = GovUKDateInput

    def __init__(
        self,
        *,
        label: str,
        hint: str = "For example, 27 3 2007",
        earliest: DateBound = lambda: datetime.date(1900, 1, 1),
        latest: DateBound = None,
        earliest_message: str = "",
        latest_message: str = "",
        birth_date: bool = False,
        required_message: str = "",
        **kwargs,
    ):
        kwargs.setdefault("help_text", hint)
        kwargs.setdefault("template_name", "govuk/forms/date_field.html")
        super().__init__(label=label, **kwargs)
        self.earliest, self.latest = earliest, latest
        self.earliest_message, self.latest_message = earliest_message, latest_message
        self.required_message = required_message
        if birth_date:
            self.widget.autocomplete = {"day": "bday-day", "month": "bday-month", "year": "bday-year"}

    @property
    def name_in_errors(self) -> str:
        return str(self.label)

    def to_python(self, value):
        if value in (None, "") or (isinstance(value, dict) and not any(value.values())):
            return None
        if isinstance(value, datetime.date):
            return value
        label = self.name_in_errors
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError as exc:
                raise ValidationError(f"{label} must be a real date", code="invalid") from exc
        missing = [part for part in PARTS if not value.get(part)]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}", code="incomplete")
        if not all(value[part].isdigit() for part in PARTS):
            raise ValidationError(f"{label} must be a real date", code="invalid")
        if len(value["year"]) != 4:
            raise ValidationError("Year must include 4 numbers", code="year")
        try:
            return datetime.date(int(value["year"]), int(value["month"]), int(value["day"]))
        except ValueError as exc:
            raise ValidationError(f"{label} must be a real date", code="invalid") from exc

    def validate(self, value):
        if value is None:
            if self.required:
                message = self.required_message or f"Enter {self.label[0].lower()}{self.label[1:]}"
                raise ValidationError(message, code="required")
            return
        earliest, latest = _resolve(self.earliest), _resolve(self.latest)
        label = self.name_in_errors
        if earliest and value < earliest:
            raise ValidationError(
                self.earliest_message or f"{label} must be the same as or after {earliest:%-d %B %Y}", code="early"
            )
        if latest and value > latest:
            today = datetime.date.today()
            default = (
                f"{label} must be today or in the past"
                if latest == today
                else f"{label} must be the same as or before {latest:%-d %B %Y}"
            )
            raise ValidationError(self.latest_message or default, code="late")


class NamedErrorsMixin:
    """Required-field errors that name the field, as GOV.UK asks: "Enter your first name", "Select the
    contract", never "This field is required." Put it first in a form's bases."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            if str(field.error_messages.get("required")) != str(default):
                continue
            label = str(field.label or "this")
            choose = isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(
                field.widget, forms.CheckboxInput
            )
            field.error_messages["required"] = f"{'Select' if choose else 'Enter'} {label[0].lower()}{label[1:]}"
