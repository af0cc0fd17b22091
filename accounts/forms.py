from django import forms
from django.forms.renderers import TemplatesSetting

from .dates import NamedErrorsMixin
from .services import ServiceError


def posted(request):
    """The form data of a POST, even an empty one, so that the form is bound and says what is missing; None for
    any other method. (``request.POST or None`` leaves an empty POST unbound: no errors shown, and a view that adds
    its own error then fails.)"""
    return request.POST if request.method == "POST" else None


def call_or_show_refusal(form, call):
    """Run a service; its refusal (a ServiceError) becomes an error on the form, so nothing is saved and the
    person is told why. The service's result, or None when it refused."""
    try:
        return call()
    except ServiceError as exc:
        form.add_error(None, str(exc))
        return None


class GovUKFormRenderer(TemplatesSetting):
    """Every form in the service renders as GOV.UK fields, including allauth's and the admin's own forms."""

    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class ProfileForm(NamedErrorsMixin, forms.Form):
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")


class AuditExportForm(NamedErrorsMixin, forms.Form):
    since = forms.DateField(
        label="Events on or after",
        required=False,
        help_text="For example, 2026-04-01. Leave blank for the whole log.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReminderSettingsForm(NamedErrorsMixin, forms.Form):
    """One box per reminder; ticked means the person gets it. Decisions and orders are not offered: always sent."""

    def __init__(self, *args, reminders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted"] = forms.MultipleChoiceField(
            label="Reminders you get",
            help_text="Untick a reminder you do not need. Decisions, orders and requests to act are always sent.",
            choices=[(e.template, e.title) for e in reminders],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
