"""Forms for early career. Dates use the shared GOV.UK date input (``accounts.dates.GovUKDateField``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.dates import GovUKDateField, NamedErrorsMixin
from accounts.models import Organisation, User
from regulation import selectors as register

from . import evidence_files
from .models import Evidence, Pause, Programme, Review


def _date(label: str, *, hint: str | None = None, past: bool = False, **kwargs) -> GovUKDateField:
    """The shared GOV.UK date input; ``past`` refuses a date after today with the GOV.UK wording."""
    if past:
        kwargs.setdefault("latest", timezone.localdate)
    return GovUKDateField(label=label, hint=hint, required_message=f"Enter the {label[0].lower()}{label[1:]}", **kwargs)


def _people_choices(people) -> list[tuple[str, str]]:
    return [("", "Choose a person")] + [(str(p.pk), p.display_name) for p in people]


def registered_colleagues(organisation: Organisation):
    """People at the employer who are on the register and practising: who can supervise or assess."""
    members = list(
        User.objects.filter(memberships__organisation=organisation, memberships__ended_on__isnull=True)
        .distinct()
        .order_by("last_name", "first_name")
    )
    standing = register.practice_standing([m.pk for m in members])  # a fixed few queries, however many staff
    return [m for m in members if m.pk in standing and standing[m.pk]["practising"]]


class EnrolForm(NamedErrorsMixin, forms.Form):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), label="Programme", empty_label=None, widget=forms.RadioSelect
    )
    registration_number = forms.CharField(
        label="Registration number", max_length=12, help_text="Their Social Work England number, for example SW100123."
    )
    start_date = _date("Start date")
    team = forms.CharField(label="Team", max_length=200)
    fte = forms.DecimalField(
        label="Full-time equivalent",
        max_digits=3,
        decimal_places=2,
        min_value=0.1,
        max_value=1,
        help_text="1 for full time; 0.6 for three days a week. Part-time work extends the programme pro rata.",
    )
    supervisor = forms.ChoiceField(label="Supervisor")
    assessor = forms.ChoiceField(label="Assessor")
    line_manager = forms.ChoiceField(label="Line manager", required=False)
    cohort = forms.CharField(
        label="Cohort (optional)",
        max_length=100,
        required=False,
        help_text="For example, September 2027. Left blank, the start month is used.",
    )

    def __init__(self, *args, employer: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(is_active=True).order_by("available_from")
        colleagues = registered_colleagues(employer)
        self.people = {str(p.pk): p for p in colleagues}
        managers = list(
            User.objects.filter(
                memberships__organisation=employer, memberships__ended_on__isnull=True, memberships__role="line_manager"
            ).distinct()
        )
        self.people.update({str(p.pk): p for p in managers})
        self.fields["supervisor"].choices = _people_choices(colleagues)
        self.fields["assessor"].choices = _people_choices(colleagues)
        self.fields["line_manager"].choices = _people_choices(managers)

    def person(self, name):
        return self.people.get(self.cleaned_data.get(name) or "")


class LearningAgreementForm(NamedErrorsMixin, forms.Form):
    agreed_on = _date("Date agreed", past=True)
    development_needs = forms.CharField(label="Development needs", widget=forms.Textarea(attrs={"rows": 4}))
    support = forms.CharField(label="Support the employer will give", widget=forms.Textarea(attrs={"rows": 4}))
    workload = forms.CharField(
        label="Workload and protected time", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SupervisionForm(NamedErrorsMixin, forms.Form):
    held_on = _date("Date of supervision", past=True)
    minutes = forms.IntegerField(label="Length in minutes", min_value=1, max_value=480)
    themes = forms.CharField(
        label="Themes discussed",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In your own words: cases, learning, wellbeing, workload.",
    )


class ProtectedTimeForm(NamedErrorsMixin, forms.Form):
    week_starting = _date("Week starting", past=True)
    hours = forms.DecimalField(label="Hours", max_digits=4, decimal_places=1, min_value=0.5, max_value=40)
    activity = forms.CharField(label="What the time was used for", max_length=255)


class CaseloadForm(NamedErrorsMixin, forms.Form):
    month = _date("Month", hint="Any day in the month, for example 1 10 2027")
    cases = forms.IntegerField(label="Cases held", min_value=0, max_value=200)
    experienced_caseload = forms.IntegerField(
        label="Cases an experienced full-time worker in the team holds", min_value=1, max_value=200
    )


class EvidenceForm(NamedErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of evidence", choices=Evidence.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="Title", max_length=200)
    occurred_on = _date("Date", past=True)
    text = forms.CharField(
        label="The evidence",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="Your own words: what happened, what was said, what you learned. Leave blank if you upload a file.",
    )
    file = forms.FileField(
        label="Upload a file (optional)",
        required=False,
        help_text=f"For example, a scanned letter or a reflective log. {evidence_files.ALLOWED_LIST}, "
        f"smaller than {evidence_files.max_bytes() // (1024 * 1024)} MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                evidence_files.check(upload)
            except evidence_files.EvidenceFileRefused as exc:
                raise ValidationError(str(exc)) from exc
        return upload or None

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file") and "file" not in self.errors:
            self.add_error("text", "Enter the evidence or choose a file to upload")
        return data


class PauseForm(NamedErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Why the programme is paused",
        choices=Pause.Kind.choices,
        widget=forms.RadioSelect,
        help_text="A programme is never paused for capability; record concerns in a review.",
    )
    starts_on = _date("First day of the pause")
    ends_on = _date("Last day of the pause")
    reason = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(NamedErrorsMixin, forms.Form):
    reason = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 4}))


class ReviewWindowExceptionForm(NamedErrorsMixin, forms.Form):
    point = forms.ChoiceField(
        label="Which review",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the review that is held outside its window"},
    )
    reason = forms.CharField(
        label="Why it is held then",
        help_text="Recorded with your name in the participant's history.",
        error_messages={"required": "Enter why the review is held outside its window"},
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = [
            (p["key"], f"{p['label']} (due {enrolment.point_due_on(p):%-d %B %Y})")
            for p in enrolment.programme.review_points
            if not p.get("final")
        ]


class ModerationForm(NamedErrorsMixin, forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect)
    reason = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, external: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = (
            [("pass", "Pass"), ("fail", "Fail")]
            if external
            else [("confirmed", "Confirm the assessor's recommendation"), ("returned", "Return it to the assessor")]
        )


class ReviewForm(NamedErrorsMixin, forms.Form):
    held_on = _date("Date of the review", past=True)
    evidence_seen = forms.CharField(
        label="Evidence seen",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the judgements rest on overall.",
    )
    actions = forms.CharField(label="Actions agreed", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, standards: list[str], needs_recommendation: bool, final: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard_fields = []
        self.final = final
        judgements = [(j.value, j.label) for j in Review.Judgement if j in (Review.FINAL if final else Review.PROGRESS)]
        order = ["held_on"]
        for i, standard in enumerate(standards):
            name = f"standard_{i}"
            self.fields[name] = forms.ChoiceField(
                label=standard,
                choices=judgements,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select {'met or not met' if final else 'a judgement'} for {standard}"},
            )
            self.standard_fields.append((name, standard))
            order.append(name)
            if final:
                self.fields[f"evidence_{i}"] = forms.CharField(
                    label=f"Evidence for {standard}",
                    widget=forms.Textarea(attrs={"rows": 3}),
                    error_messages={"required": f"Enter the evidence for {standard}"},
                )
                order.append(f"evidence_{i}")
        if needs_recommendation:
            self.fields["recommendation"] = forms.ChoiceField(
                label="Overall recommendation" if final else "Recommendation",
                choices=Review.Recommendation.choices,
                widget=forms.RadioSelect,
            )
        order += ["evidence_seen", "actions"]
        if needs_recommendation:
            order.append("recommendation")
        self.order_fields(order)

    def judgements(self) -> dict:
        return {standard: self.cleaned_data[name] for name, standard in self.standard_fields}

    def standard_evidence(self) -> dict | None:
        if not self.final:
            return None
        return {standard: self.cleaned_data[f"evidence_{i}"] for i, (_, standard) in enumerate(self.standard_fields)}


class ClaimForm(NamedErrorsMixin, forms.Form):
    employer = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Employer", empty_label=None)
    period_start = _date("Period start", hint="For example, 1 4 2027")
    period_end = _date("Period end", hint="For example, 31 3 2028")

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers


class FiguresFilterForm(NamedErrorsMixin, forms.Form):
    year = forms.IntegerField(label="Start year", required=False, min_value=2000, max_value=2100)
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.all(), required=False, label="Programme", empty_label="All programmes"
    )
