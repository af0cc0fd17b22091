from django import forms
from django.utils import timezone

from accounts.dates import GovUKDateField, NamedErrorsMixin


class ExportForm(NamedErrorsMixin, forms.Form):
    KINDS = [("full", "Everything (a full transfer)"), ("changes", "Only what changed since a date")]

    kind = forms.ChoiceField(
        label="What to export",
        choices=KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what to export"},
    )
    since = GovUKDateField(
        label="Changes since",
        required=False,
        latest=timezone.localdate,
        latest_message="Changes since must be today or in the past",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "changes" and not cleaned.get("since"):
            self.add_error("since", "Enter the date to export changes since")
        if cleaned.get("kind") == "full":
            cleaned["since"] = None
        return cleaned


class ImportForm(NamedErrorsMixin, forms.Form):
    bundle = forms.FileField(
        label="Transfer bundle",
        help_text="The zip your predecessor sent: its files and manifest.json.",
        error_messages={"required": "Select the transfer bundle (a .zip file)"},
    )

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        if not upload.name.lower().endswith(".zip"):
            raise forms.ValidationError("The selected file must be a .zip")
        return upload
