"""The shared GOV.UK date input: day, month and year boxes with GOV.UK error wording."""

import datetime

import pytest
from django import forms

from accounts.dates import GovUKDateField


class Form(forms.Form):
    when = GovUKDateField(label="Date of the activity", latest=datetime.date.today)
    maybe = GovUKDateField(label="End date", required=False)


def _errors(data):
    form = Form(data)
    assert not form.is_valid()
    return form.errors


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date of the activity"),
        (("12", "", "2026"), "Date of the activity must include a month"),
        (("", "", "2026"), "Date of the activity must include a day and month"),
        (("31", "2", "2026"), "Date of the activity must be a real date"),
        (("1", "x", "2026"), "Date of the activity must be a real date"),
        (("1", "2", "26"), "Year must include 4 numbers"),
        (("1", "1", "1066"), "Date of the activity must be the same as or after 1 January 1900"),
        (("1", "1", "2999"), "Date of the activity must be today or in the past"),
    ],
)
def test_errors_use_govuk_wording(parts, message):
    data = {f"when-{part}": value for part, value in zip(("day", "month", "year"), parts, strict=True)}
    assert _errors(data)["when"] == [message]


def test_parts_are_read_and_an_optional_empty_date_is_none():
    form = Form({"when-day": " 7 ", "when-month": "03", "when-year": "2020", "maybe-day": "", "maybe-month": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"when": datetime.date(2020, 3, 7), "maybe": None}


def test_an_iso_date_in_one_value_is_still_accepted():
    form = Form({"when": "2020-03-07"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == datetime.date(2020, 3, 7)


def test_renders_three_boxes_prefilled_from_initial_and_keeps_what_was_typed():
    html = str(Form(initial={"when": datetime.date(2026, 11, 23)})["when"].as_field_group())
    assert 'name="when-day"' in html and 'value="23"' in html and 'value="11"' in html and 'value="2026"' in html
    assert '<legend class="govuk-fieldset__legend' in html and 'type="date"' not in html
    assert 'id="id_when"' in html  # the error summary links to the day box
    typed = str(Form({"when-day": "31", "when-month": "2", "when-year": "2026"})["when"].as_field_group())
    assert 'value="31"' in typed and "govuk-input--error" in typed and "must be a real date" in typed


def test_the_hint_gives_an_example_the_question_could_take(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 12, 0), tick=False)
    form = Form()
    # A date in the past for a past date; a couple of months ahead for one with no upper bound.
    assert str(form.fields["when"].help_text) == "For example, 27 11 2026"
    assert str(form.fields["maybe"].help_text) == "For example, 27 2 2027"
    born = GovUKDateField(label="Date of birth", latest=lambda: datetime.date(2010, 6, 3))
    assert str(born.help_text) == "For example, 27 5 2010"
    assert GovUKDateField(label="From", hint="For example, 31 8 2028").help_text == "For example, 31 8 2028"
