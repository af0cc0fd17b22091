from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dates import GovUKDateField, NamedErrorsMixin

from .models import Item, Level, LevelSettings, Scenario
from .services.credentials import CERTIFICATE_MAX_BYTES, CREDENTIAL_MAX_BYTES, credential_from_certificate

LEVEL_CHOICES = [("", "Choose a level"), *Level.choices]


class NominateForm(NamedErrorsMixin, forms.Form):
    person = forms.TypedChoiceField(label="Social worker", coerce=int, choices=())
    level = forms.ChoiceField(label="Level", choices=Level.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why you are nominating them (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {s["user_id"]: s for s in staff}
        self.fields["person"].choices = [("", "Choose a social worker")] + [
            (s["user_id"], f"{s['name']} ({s['registration_number']}), {s['organisation']}") for s in staff
        ]


class RequestForm(NamedErrorsMixin, forms.Form):
    level = forms.ChoiceField(label="Level", choices=Level.choices, widget=forms.RadioSelect)
    organisation = forms.TypedChoiceField(label="Employer", coerce=int, choices=())
    reason = forms.CharField(
        label="A note for your manager (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in employers]


class MappingForm(NamedErrorsMixin, forms.Form):
    """One statement per domain of the candidate's statement."""

    def __init__(self, *args, domains=(), mappings=None, **kwargs):
        super().__init__(*args, **kwargs)
        mappings = mappings or {}
        self.domains = list(domains)
        for d in self.domains:
            self.fields[f"domain_{d.key}"] = forms.CharField(
                label=f"{d.position}. {d.title}",
                required=False,
                max_length=2000,
                initial=mappings.get(d.key, ""),
                help_text="A short statement of the worker's practice against this domain, with an example.",
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def statements(self) -> dict[str, str]:
        return {d.key: self.cleaned_data.get(f"domain_{d.key}", "") for d in self.domains}


class DecisionForm(NamedErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("endorse", "Endorse"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The social worker will see these. If you decline, say what they should work on.",
    )


class ReasonForm(NamedErrorsMixin, forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(NamedErrorsMixin, forms.Form):
    """A question page. The label is the question; the choices are (option id, text) only — never the key."""

    def __init__(self, *args, row=None, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        single = row.item.kind == Item.Kind.SINGLE
        field_class = forms.TypedChoiceField if single else forms.TypedMultipleChoiceField
        self.fields["answer"] = field_class(
            label=row.item.stem,
            choices=list(options),
            coerce=int,
            required=False,
            initial=(row.selected[0] if row.selected else None) if single else row.selected,
            widget=forms.RadioSelect if single else forms.CheckboxSelectMultiple,
            help_text="Choose one answer." if single else "Choose three answers.",
        )

    def option_ids(self) -> list[int]:
        value = self.cleaned_data.get("answer")
        if value in (None, ""):
            return []
        return list(value) if isinstance(value, list) else [value]


class SettingsForm(NamedErrorsMixin, forms.ModelForm):
    reason = forms.CharField(label="Why the settings are changing", widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = LevelSettings
        fields = ["general_items", "applied_items", "minutes", "pass_mark_percent", "resit_wait_days", "attempt_limit"]
        labels = {
            "general_items": _("General questions"),
            "applied_items": _("Questions on the case scenario"),
            "minutes": _("Time allowed (minutes)"),
            "pass_mark_percent": _("Pass mark (percent)"),
            "resit_wait_days": _("Wait before a resit (days)"),
            "attempt_limit": _("Attempts allowed"),
        }


class StandardForm(NamedErrorsMixin, forms.Form):
    reason = forms.CharField(label="What changed and why", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, standard=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = list(standard.domains.all())
        for d in self.domains:
            self.fields[f"title_{d.key}"] = forms.CharField(
                label=f"Domain {d.position} heading", max_length=200, initial=d.title
            )
            self.fields[f"description_{d.key}"] = forms.CharField(
                label=f"Domain {d.position} description",
                required=False,
                initial=d.description,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields([*(f for d in self.domains for f in (f"title_{d.key}", f"description_{d.key}")), "reason"])

    def domain_data(self) -> list[dict]:
        return [
            {
                "key": d.key,
                "title": self.cleaned_data[f"title_{d.key}"],
                "description": self.cleaned_data[f"description_{d.key}"],
            }
            for d in self.domains
        ]


class ItemForm(NamedErrorsMixin, forms.Form):
    level = forms.ChoiceField(label="Level", choices=Level.choices)
    domain_key = forms.ChoiceField(label="Domain", choices=())
    kind = forms.ChoiceField(label="Type of question", choices=Item.Kind.choices, widget=forms.RadioSelect)
    scenario = forms.ModelChoiceField(
        label="Case scenario (for an applied question)", queryset=Scenario.objects.none(), required=False
    )
    stem = forms.CharField(label="Question", widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.CharField(
        label="Options",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One option a line: 4 for a single-answer item, 8 for multiple-answer. Start each correct "
        "option with an asterisk (*).",
    )
    rationale = forms.CharField(
        label="Rationale (for reviewers only)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, standards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain_key"].choices = [
            (d.key, f"{s.get_level_display()}: {d.title}") for s in standards for d in s.domains.all()
        ]
        self.fields["scenario"].queryset = Scenario.objects.exclude(status="retired")

    def clean_options(self):
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
        parsed = [(line.lstrip("*").strip(), line.startswith("*")) for line in lines]
        if len(parsed) not in (4, 8):
            raise forms.ValidationError("Enter 4 options (single answer) or 8 options (multiple answer), one a line.")
        return parsed


class ReviseItemForm(NamedErrorsMixin, forms.Form):
    stem = forms.CharField(label="Question", widget=forms.Textarea(attrs={"rows": 3}))
    options = ItemForm.base_fields["options"]
    rationale = ItemForm.base_fields["rationale"]
    clean_options = ItemForm.clean_options


class ReviewForm(NamedErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Review decision",
        choices=[("approve", "Approve: the item goes live"), ("return", "Return to the author as a draft")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Review comments", widget=forms.Textarea(attrs={"rows": 3}))


class ScenarioForm(NamedErrorsMixin, forms.Form):
    level = forms.ChoiceField(label="Level", choices=Level.choices)
    title = forms.CharField(label="Title", max_length=200)
    passage = forms.CharField(label="Case passage", widget=forms.Textarea(attrs={"rows": 10}))


class AdjustmentForm(NamedErrorsMixin, forms.Form):
    extra_minutes = forms.IntegerField(label="Extra time (minutes)", min_value=0, max_value=240)
    note = forms.CharField(label="What the adjustment is for", max_length=255)


class BankFilterForm(NamedErrorsMixin, forms.Form):
    level = forms.ChoiceField(label="Level", choices=LEVEL_CHOICES, required=False)
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *Item._meta.get_field("status").choices], required=False
    )


# --- Decision and certificate (stage 4) ----------------------------------------------------------------------------


class ConfirmForm(NamedErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why you are confirming this accreditation",
        help_text="For the record: for example, the evidence you checked.",
        error_messages={"required": "Enter why you are confirming this accreditation"},
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReissueForm(NamedErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why the credentials are re-issued",
        help_text="Recorded with each re-issued credential, for example: issued before the status lists existed.",
        error_messages={"required": "Enter why the credentials are re-issued"},
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RevokeForm(NamedErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why the accreditation is revoked",
        help_text="The holder sees this reason. The public verification page shows only that it was revoked, and when.",
        error_messages={"required": "Enter why the accreditation is revoked"},
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BatchForm(NamedErrorsMixin, forms.Form):
    level = forms.ChoiceField(label="Level", choices=[("", "All levels"), *Level.choices], required=False)
    awarded_from = GovUKDateField(label="Accredited on or after (optional)", required=False, latest=timezone.localdate)
    awarded_to = GovUKDateField(label="Accredited on or before (optional)", required=False, latest=timezone.localdate)


class CredentialCheckForm(NamedErrorsMixin, forms.Form):
    credential = forms.CharField(
        label="Paste the credential",
        help_text="The whole JSON file, from { to }.",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label="Or upload the credential file (.json) or the certificate (PDF)",
        help_text="A certificate carries its signed credential inside it.",
        required=False,
    )

    MAX_BYTES = CREDENTIAL_MAX_BYTES

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            head = upload.read(5)
            upload.seek(0)
            if head == b"%PDF-":
                if upload.size > CERTIFICATE_MAX_BYTES:
                    self.add_error("file", "The certificate must be smaller than 2 MB")
                    return data
                try:
                    data["text"] = credential_from_certificate(upload.read())
                except ValueError as exc:
                    self.add_error("file", str(exc))
                return data
            if upload.size > self.MAX_BYTES:
                self.add_error("file", "The credential file must be smaller than 100 KB")
                return data
            data["text"] = upload.read()
        elif (data.get("credential") or "").strip():
            data["text"] = data["credential"]
        else:
            self.add_error("credential", "Paste the credential, or upload its file or the certificate")
        return data


class VerifyCodeForm(NamedErrorsMixin, forms.Form):
    code = forms.CharField(
        label="Verification code",
        help_text="As printed on the certificate, for example ABCD-EFGH-…",
        max_length=60,
        error_messages={"required": "Enter the verification code"},
    )
