"""Every form in the project gives GOV.UK error wording, one way: ``accounts.dates.NamedErrorsMixin``.

A new form that forgets the mixin fails here, as does a field whose error would not name it.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings

from accounts.dates import GovUKDateField, NamedErrorsMixin

DJANGO_DEFAULTS = (
    "This field is required",
    "Ensure this value",
    "Select a valid choice",
    "Enter a whole number",
    "Enter a number",
    "Enter a valid",
)


def project_apps():
    root = Path(settings.BASE_DIR).resolve()
    return [
        app
        for app in apps.get_app_configs()
        if root in Path(app.path).resolve().parents and "site-packages" not in Path(app.path).parts
    ]


def import_every_forms_module():
    for app in project_apps():
        for module in pkgutil.walk_packages([app.path], prefix=f"{app.name}."):
            leaf = module.name.rsplit(".", 1)[-1]
            if "form" in leaf:
                importlib.import_module(module.name)


def project_form_classes():
    import_every_forms_module()
    names = tuple(f"{app.name}." for app in project_apps())
    found, stack = set(), [forms.BaseForm]
    while stack:
        for cls in stack.pop().__subclasses__():
            stack.append(cls)
            if cls.__module__.startswith(names) and cls is not NamedErrorsMixin:
                found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORMS = project_form_classes()


def test_the_forms_are_found():
    names = {f"{cls.__module__}.{cls.__name__}" for cls in FORMS}
    assert {"training.forms.EnrolForm", "regulation.courses.forms.CourseForm", "accounts.auth_forms.LoginForm"} <= names
    assert len(FORMS) > 80


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_form_uses_the_govuk_wording(form_class):
    assert issubclass(form_class, NamedErrorsMixin), (
        f"{form_class.__module__}.{form_class.__name__} must have NamedErrorsMixin first in its bases"
    )


def _errors(form_class, data):
    """The errors each declared field of a form gives, on a form that has only that field (so the form's own
    arguments and database lookups are not needed)."""
    probe = type("Probe", (NamedErrorsMixin, forms.Form), {k: v for k, v in form_class.base_fields.items()})
    form = probe(data=data, files={})
    form.is_valid()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_field_error_names_the_field_in_govuk_words(form_class):
    empty = _errors(form_class, {})
    wrong = _errors(form_class, dict.fromkeys(form_class.base_fields, "-99999999999"))
    for name, messages in [*empty.items(), *wrong.items()]:
        for message in messages:
            assert not message.startswith(DJANGO_DEFAULTS), f"{form_class.__name__}.{name}: {message}"
            assert "%%" not in message, f"{form_class.__name__}.{name}: {message}"
    for name, field in form_class.base_fields.items():
        if field.required and str(field.label or "").endswith("?") and not isinstance(field, GovUKDateField):
            # A question does not turn into an instruction by itself ("Select is the standard met"): the field
            # says its own words.
            assert str(field.error_messages["required"]) != str(forms.Field.default_error_messages["required"]), (
                f"{form_class.__name__}.{name}: a question label needs its own required message, {empty.get(name)}"
            )


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        (forms.CharField(label="Reasons"), "", "Enter the reasons"),
        (forms.CharField(label="Your answer"), "", "Enter your answer"),
        (forms.CharField(label="Why it ended"), "", "Enter why it ended"),
        (forms.ChoiceField(label="Level", choices=[("a", "A")]), "", "Select the level"),
        (forms.ChoiceField(label="Level", choices=[("a", "A")]), "b", "Select the level"),
        (forms.IntegerField(label="Length in minutes", min_value=1), "0", "Length in minutes must be 1 or more"),
        (forms.IntegerField(label="Places", max_value=50), "51", "Places must be 50 or less"),
        (forms.IntegerField(label="Places"), "many", "Places must be a whole number"),
        (forms.DecimalField(label="Hours", decimal_places=1), "1.25", "Hours must have no more than 1 decimal place"),
        (forms.DecimalField(label="Hours"), "lots", "Hours must be a number"),
        (forms.CharField(label="Title", max_length=5), "toolong", "Title must be 5 characters or less"),
        (forms.CharField(label="CPD title"), "", "Enter the CPD title"),
        (forms.DecimalField(label="Rate (% a year)", min_value=0), "-1", "Rate (% a year) must be 0 or more"),
        (forms.CharField(label="Note", error_messages={"required": "Say why"}), "", "Say why"),
        (GovUKDateField(label="Start date"), "", "Enter the start date"),
    ],
)
def test_the_wording(field, data, message):
    form = type("Probe", (NamedErrorsMixin, forms.Form), {"value": field})(data={"value": data})
    assert not form.is_valid()
    assert form.errors["value"][0] == message


@pytest.mark.django_db
def test_the_long_forms_the_issue_names_say_what_each_empty_field_needs():
    """Early-career enrolment, a review, a course, an endorsement and moderation: one distinct line per field."""
    from accreditation.forms import DecisionForm as EndorsementForm
    from regulation.courses.forms import CourseForm
    from tests.factories import LocalAuthorityFactory
    from training.forms import EnrolForm, ModerationForm
    from training.forms import ReviewForm as ProgressReviewForm

    forms_and_messages = [
        (
            EnrolForm(data={}, employer=LocalAuthorityFactory()),
            {"Select the programme", "Enter the registration number", "Enter the start date", "Enter the team"},
        ),
        (
            ProgressReviewForm(data={}, standards=["Child development"], needs_recommendation=True, final=True),
            {"Select met or not met for Child development", "Enter the evidence for Child development"},
        ),
        (CourseForm(data={}), {"Enter the course title", "Select the level", "Select the mode of study"}),
        (EndorsementForm(data={}), {"Select your decision", "Enter the reasons"}),
        (ModerationForm(data={}), {"Select the decision", "Enter the reasons"}),
    ]
    for form, expected in forms_and_messages:
        assert not form.is_valid()
        messages = [str(m) for errors in form.errors.values() for m in errors]
        assert expected <= set(messages), (type(form).__name__, messages)
        assert len(messages) == len(set(messages)), messages
        assert not any(m.startswith(DJANGO_DEFAULTS) for m in messages), messages


def test_a_field_shows_one_message_the_most_basic():
    field = forms.DecimalField(label="Hours", min_value=1, max_digits=3, decimal_places=1)
    form = type("Probe", (NamedErrorsMixin, forms.Form), {"value": field})(data={"value": "-99999"})
    assert not form.is_valid()
    assert form.errors["value"] == ["Hours must be 1 or more"]
