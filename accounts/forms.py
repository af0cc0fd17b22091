from django import forms
from django.forms.renderers import TemplatesSetting


class GovUKFormRenderer(TemplatesSetting):
    """Every form in the service renders as GOV.UK fields, including allauth's and the admin's own forms."""

    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class ProfileForm(forms.Form):
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")


class AuditExportForm(forms.Form):
    since = forms.DateField(
        label="Events on or after",
        required=False,
        help_text="For example, 2026-04-01. Leave blank for the whole log.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
