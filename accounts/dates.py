"""The GOV.UK date input (day, month and year boxes) as a Django form field any app can use.

    from accounts.dates import GovUKDateField

    class CPDForm(forms.Form):
        activity_date = GovUKDateField(
            label="Date of the activity",
            latest=date.today,                # "… must be today or in the past"
            earliest=lambda: date(1900, 1, 1),
        )

It renders as the GOV.UK pattern (a fieldset, a legend, three numeric inputs named ``<name>-day``,
``<name>-month`` and ``<name>-year``), redisplays what was typed, prefills from ``initial`` (a date or a
callable), hints with an example worked out from today and the bounds (unless given a ``hint``), and gives
the GOV.UK error wording ("Enter the date of the activity", "Date of the activity must include a month",
"… must be a real date", "Year must include 4 numbers", "… must be today or in the past").
A single ``<name>`` value in ISO form (2026-03-27) is also accepted, so API-style posts and scripts still work.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import lazy

PARTS = ("day", "month", "year")
DateBound = datetime.date | Callable[[], datetime.date] | None


def _resolve(bound: DateBound) -> datetime.date | None:
    return bound() if callable(bound) else bound


def example_hint(latest: DateBound = None) -> str:
    """A hint with an example the question could really take, worked out when the page is shown: a recent
    date before ``latest`` and today (a date of birth, an activity), otherwise one a couple of months ahead (a
    session, a due date). Day 27, so day and month cannot be confused."""
    today = datetime.date.today()
    bound = _resolve(latest)
    if bound is not None:
        example = (min(bound, today).replace(day=1) - datetime.timedelta(days=1)).replace(day=27)
    else:
        ahead = today.replace(day=1) + datetime.timedelta(days=62)
        example = ahead.replace(day=27)
    return f"For example, {example.day} {example.month} {example.year}"


_lazy_example_hint = lazy(example_hint, str)


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
        hint: str | None = None,
        earliest: DateBound = lambda: datetime.date(1900, 1, 1),
        latest: DateBound = None,
        earliest_message: str = "",
        latest_message: str = "",
        birth_date: bool = False,
        required_message: str = "",
        **kwargs,
    ):
        kwargs.setdefault("help_text", _lazy_example_hint(latest) if hint is None else hint)
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
                message = self.required_message or f"Enter {_object(self.label)}"
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


QUESTION_WORDS = ("what", "why", "how", "who", "which", "when", "where", "whether", "is", "are", "has", "have", "do")
NO_ARTICLE = ("your", "the", "a", "an", "any", "if", "their", "his", "her", "its", "whether", *QUESTION_WORDS)


def _phrase(label: str) -> str:
    """The label as a phrase inside a sentence: "(optional)" and a question mark dropped, first letter lowered
    unless it starts an acronym ("CPD hours")."""
    text = re.sub(r"\s*\(optional\)\s*$", "", str(label)).strip().rstrip("?").strip()
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _subject(label: str) -> str:
    """The label as the subject of a sentence: "Length in minutes must be 1 or more"."""
    text = _phrase(label)
    return text[:1].upper() + text[1:]


def _object(label: str) -> str:
    """The label as the object of "Enter" or "Select": "Enter the reasons", "Enter why it ended", "Select your
    decision"."""
    text = _phrase(label)
    first = text.split(" ", 1)[0].lower()
    return text if first in NO_ARTICLE or first[:1].isdigit() else f"the {text}"


def _is_choice(field: forms.Field) -> bool:
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.FileField | forms.BooleanField)


def _defaults(field: forms.Field) -> dict[str, str]:
    messages: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        messages.update({code: str(text) for code, text in getattr(cls, "default_error_messages", {}).items()})
    return messages


def govuk_messages(field: forms.Field) -> dict[str, str]:
    """GOV.UK wording for a field's errors, each naming the field: "Enter the reasons", "Select the level",
    "Full-time equivalent must be 1 or less", "Hours must be a number", "Title must be 200 characters or less".
    Codes not listed keep Django's message."""
    label = str(field.label or "this")
    subject = _subject(label).replace("%", "%%")
    verb = "Select" if _is_choice(field) else "Enter"
    if isinstance(field, forms.FileField):
        thing = re.sub(r"^(upload|or upload)\s+", "", _phrase(label), flags=re.I)
        required = f"Select {thing if thing.split(' ', 1)[0] in NO_ARTICLE else 'the ' + thing}"
    else:
        required = f"{verb} {_object(label)}"
    messages = {
        "required": required,
        "min_value": f"{subject} must be %(limit_value)s or more",
        "max_value": f"{subject} must be %(limit_value)s or less",
        "step_size": f"{subject} must be a multiple of %(limit_value)s",
        "min_length": f"{subject} must be %(limit_value)d characters or more",
        "max_length": f"{subject} must be %(limit_value)d characters or less",
    }
    if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = f"{subject} must be a whole number"
    elif isinstance(field, forms.FloatField | forms.DecimalField):
        messages["invalid"] = f"{subject} must be a number"
        places = getattr(field, "decimal_places", None)
        if places is not None:
            messages["max_decimal_places"] = (
                f"{subject} must be a whole number"
                if places == 0
                else f"{subject} must have no more than {places} decimal place{'s' if places != 1 else ''}"
            )
        messages["max_digits"] = f"{subject} is too long: enter a smaller number"
        messages["max_whole_digits"] = f"{subject} is too long: enter a smaller number"
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = "Enter a web address in the correct format, like https://www.example.com"
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        messages["invalid"] = f"{subject} must be a real date"
    elif isinstance(field, forms.FileField):
        messages["empty"] = "The selected file is empty"
        messages["invalid"] = "The selected file could not be read"
        messages["missing"] = "The selected file could not be read"
        messages["max_length"] = "The selected file's name must be %(max)d characters or less"
    return messages


class NamedErrorsMixin:
    """Every form in the service uses this, first in its bases: errors that name the field, in GOV.UK wording
    ("Enter the reasons", "Select the programme", "Hours must be 0.5 or more"), never "This field is required."
    or "Ensure this value is greater than or equal to 1.", and one message a field. A message a form sets
    itself (``error_messages``) is kept. Fields added in a form's own ``__init__`` are covered too: the wording
    is applied when the form is cleaned. ``tests/test_form_wording.py`` checks every form in the project has
    it."""

    def full_clean(self):
        for field in self.fields.values():
            defaults = _defaults(field)
            for code, message in govuk_messages(field).items():
                current = field.error_messages.get(code)
                if current is None or str(current) == defaults.get(code):
                    field.error_messages[code] = message
            # A choice that is not on the list gets the same words as no choice (a form's own, if it has them).
            required = str(field.error_messages["required"]).replace("%", "%%")
            for code in ("invalid_choice", "invalid_pk_value", "invalid_list"):
                if code in defaults and str(field.error_messages[code]) == defaults[code]:
                    field.error_messages[code] = required
        super().full_clean()
        # One message a field, as GOV.UK asks: the first found is the most basic ("Hours must be a number" before
        # anything the form's own checks add; "… must be 0.5 or more" rather than that and "… is too long").
        for name, errors in (self._errors or {}).items():
            if name != NON_FIELD_ERRORS and len(errors) > 1:
                errors.data[1:] = []
