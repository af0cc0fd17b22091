"""Forms for course approval. Field checks only: the services hold the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.dates import GovUKDateField, NamedErrorsMixin
from accounts.models import Region, Role, User

from . import uploads
from .models import (
    Course,
    CourseApplication,
    EducationProvider,
    Level,
    Mode,
    MonitoringReturn,
    Standard,
    StandardReview,
)
from .services import COURSE_FIELDS, PROVIDER_FIELDS


def _text(label, help_text="", required=True, rows=4, required_message=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message} if required_message else None,
    )


def _checked_document(upload, *, label: str):
    """A document is what it says it is (checked by its content, zips by their directory), or the field says why."""
    if upload:
        try:
            uploads.check_upload(upload, label=label)
        except uploads.UploadRefused as exc:
            raise ValidationError(str(exc)) from exc
    return upload


class ProviderForm(NamedErrorsMixin, forms.ModelForm):
    region = forms.ModelChoiceField(queryset=Region.objects.order_by("name"), required=False, label="Region")
    website = forms.URLField(required=False, assume_scheme="https", label="Website")

    class Meta:
        model = EducationProvider
        fields = list(PROVIDER_FIELDS)
        labels = {"contact_email": "Contact email address", "website": "Website"}
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class CourseForm(NamedErrorsMixin, forms.ModelForm):
    first_intake = GovUKDateField(label="First intake", hint="For example, 1 9 2027")
    level = forms.ChoiceField(choices=Level.choices, widget=forms.RadioSelect, label="Level")
    mode = forms.ChoiceField(choices=Mode.choices, widget=forms.RadioSelect, label="Mode of study")

    class Meta:
        model = Course
        fields = list(COURSE_FIELDS)  # the fields the course services accept, named once
        labels = {
            "title": "Course title",
            "award": "Award",
            "site": "Site",
            "annual_places": "Annual places (intake)",
            "practice_days": "Practice-learning days",
            "statutory_placement_days": "Days in statutory placements",
            "skills_days": "Skills days",
        }
        help_texts = {"practice_days": "At least 200, including statutory placements and skills days."}


class StartApplicationForm(NamedErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="What are you applying for?",
        error_messages={"required": "Select what you are applying for"},
    )
    change_summary = _text(
        "For a major change: what changes and why",
        required=False,
        help_text="Leave blank unless this is a major change.",
    )

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = CourseApplication.Kind
        if course.status == Course.Status.APPROVED:
            self.fields["kind"].choices = [
                (kinds.REAPPROVAL, kinds.REAPPROVAL.label),
                (kinds.MAJOR_CHANGE, kinds.MAJOR_CHANGE.label),
            ]
        else:
            self.fields["kind"].choices = [(kinds.NEW, "Approval of a new course")]
            self.fields["kind"].initial = kinds.NEW

    def clean(self):
        data = super().clean()
        if data.get("kind") == CourseApplication.Kind.MAJOR_CHANGE and not (data.get("change_summary") or "").strip():
            self.add_error("change_summary", "Enter what changes and why")
        return data


class EvidenceForm(NamedErrorsMixin, forms.Form):
    text = _text("Your evidence", required=False, rows=8, help_text="Describe how the course meets this standard.")
    document = forms.FileField(
        label="Upload a document (optional)",
        required=False,
        help_text=f"{uploads.ALLOWED_LIST}, smaller than {uploads.DEFAULT_MAX_BYTES // (1024 * 1024)} MB.",
    )

    def clean_document(self):
        return _checked_document(self.cleaned_data.get("document"), label="The document")


class WithdrawApplicationForm(NamedErrorsMixin, forms.Form):
    reason = _text(
        "Why are you withdrawing the application?",
        rows=4,
        required_message="Enter why you are withdrawing the application",
    )


class ChooseProviderForm(NamedErrorsMixin, forms.Form):
    organisation = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label="Which provider are you working for?",
        error_messages={"required": "Select the provider you are working for"},
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]


class MatchCourseForm(NamedErrorsMixin, forms.Form):
    course = forms.ModelChoiceField(
        queryset=Course.objects.none(),
        label="Course on the list",
        help_text="Approved and formerly approved courses. Add a course approved before records began first.",
    )
    reason = _text("Why this is the person's course", rows=3, help_text="For example, the certificate names it.")

    def __init__(self, *args, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses if courses is not None else Course.objects.none()
        self.fields["course"].label_from_instance = lambda c: f"{c.title}, {c.provider.name} ({c.award})"
        self.fields["course"].error_messages["required"] = "Select the course on the list"
        self.fields["reason"].error_messages["required"] = "Enter why this is the person's course"


class ResponseForm(NamedErrorsMixin, forms.Form):
    response = _text("Your answer", rows=6)
    standard = forms.ChoiceField(choices=Standard.choices, label="Standard the document supports", required=False)
    document = EvidenceForm.base_fields["document"]

    def clean_document(self):
        return EvidenceForm.clean_document(self)


def regulator_staff():
    return (
        User.objects.filter(memberships__role=Role.REGULATOR_STAFF, memberships__ended_on__isnull=True, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class AssignForm(NamedErrorsMixin, forms.Form):
    reviewer = StaffChoiceField(queryset=User.objects.none(), label="Reviewer")
    inspectors = StaffMultipleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Inspectors"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = regulator_staff()
        self.fields["inspectors"].queryset = regulator_staff()


class ReviewForm(NamedErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        choices=StandardReview.Outcome.choices,
        widget=forms.RadioSelect,
        label="Is the standard met?",
        error_messages={"required": "Select whether the standard is met"},
    )
    reasons = _text("Reasons")


class InformationRequestForm(NamedErrorsMixin, forms.Form):
    question = _text("What information do you need?", required_message="Enter the information you need")
    due_on = GovUKDateField(
        label="Answer by", hint="For example, 27 3 2027", required_message="Enter the date the answer is due by"
    )


class InspectionExemptionForm(NamedErrorsMixin, forms.Form):
    reason = _text(
        "Why this course need not be inspected",
        help_text="Recorded with your name. Another member of staff then records the decision.",
        rows=4,
    )


class InspectionForm(NamedErrorsMixin, forms.Form):
    starts_on = GovUKDateField(label="First day of the inspection")
    ends_on = GovUKDateField(label="Last day of the inspection")
    team = _text("Inspection team", help_text="One person a line.", rows=3)
    report = _text("Inspection report", rows=8, required=False, help_text="Write it here, upload it, or both.")
    report_file = forms.FileField(
        label="Upload the inspection report (optional)",
        required=False,
        help_text=f"{uploads.ALLOWED_LIST}, smaller than {uploads.DEFAULT_MAX_BYTES // (1024 * 1024)} MB.",
    )

    def clean_report_file(self):
        return _checked_document(self.cleaned_data.get("report_file"), label="The inspection report")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "Last day of the inspection must be the same as or after the first day")
        if not (data.get("report") or "").strip() and not data.get("report_file") and "report_file" not in self.errors:
            self.add_error("report", "Enter the inspection report, or upload it")
        return data


MAX_CONDITIONS = 3


class DecisionForm(NamedErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(choices=CourseApplication.Outcome.choices, widget=forms.RadioSelect, label="Decision")
    reason = _text("Reasons for the decision")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_CONDITIONS + 1):
            self.fields[f"condition_{n}"] = _text(f"Condition {n}", required=False, rows=2)
            self.fields[f"condition_{n}_due"] = GovUKDateField(label=f"Condition {n} due date", required=False)

    def clean(self):
        data = super().clean()
        conditions = []
        for n in range(1, MAX_CONDITIONS + 1):
            text, due = (data.get(f"condition_{n}") or "").strip(), data.get(f"condition_{n}_due")
            if text and not due:
                self.add_error(f"condition_{n}_due", f"Enter a due date for condition {n}")
            elif due and not text:
                self.add_error(f"condition_{n}", f"Enter condition {n}, or remove its date")
            elif text:
                conditions.append((text, due))
        if data.get("outcome") == CourseApplication.Outcome.APPROVED_WITH_CONDITIONS and not conditions:
            self.add_error("condition_1", "Enter at least one condition with its due date")
        data["conditions"] = conditions
        return data


class ConditionResponseForm(NamedErrorsMixin, forms.Form):
    response = _text("How the condition has been met", rows=6)
    evidence_file = forms.FileField(
        label="Upload a document with the evidence (optional)",
        required=False,
        help_text=f"{uploads.ALLOWED_LIST}, smaller than {uploads.DEFAULT_MAX_BYTES // (1024 * 1024)} MB.",
    )

    def clean_evidence_file(self):
        return _checked_document(self.cleaned_data.get("evidence_file"), label="The evidence document")


class ConditionDecisionForm(NamedErrorsMixin, forms.Form):
    met = forms.TypedChoiceField(
        choices=[("yes", "Met"), ("no", "Not met")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Has the condition been met?",
        error_messages={"required": "Select whether the condition has been met"},
    )
    reason = _text("Reasons")


class MonitoringForm(NamedErrorsMixin, forms.ModelForm):
    class Meta:
        model = MonitoringReturn
        fields = ["intake", "students", "completions", "placement_days_provided", "changes", "concerns"]
        labels = {
            "intake": "Students who started this year (intake)",
            "students": "Students on the course now",
            "completions": "Students who completed this year",
            "placement_days_provided": "Practice-learning days provided per student",
            "changes": "Changes to the course this year",
            "concerns": "Concerns or risks",
        }
        widgets = {"changes": forms.Textarea(attrs={"rows": 4}), "concerns": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("intake", "students", "completions", "placement_days_provided"):
            self.fields[name].required = True
            self.fields[name].min_value = 0


class MonitoringOutcomeForm(NamedErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(choices=MonitoringReturn.Outcome.choices, widget=forms.RadioSelect, label="Outcome")
    reason = _text("Reasons")


class OpenMonitoringForm(NamedErrorsMixin, forms.Form):
    due_on = GovUKDateField(label="Return due by", required_message="Enter the date the return is due by")


class EndApprovalForm(NamedErrorsMixin, forms.Form):
    ACTIONS = [("close", "Closed to new students"), ("withdraw", "Approval withdrawn")]
    action = forms.ChoiceField(
        choices=ACTIONS,
        widget=forms.RadioSelect,
        label="What has happened?",
        error_messages={"required": "Select what has happened"},
    )
    effective_on = GovUKDateField(
        label="From", hint="For example, 31 8 2028", required_message="Enter the date it takes effect from"
    )
    reason = _text("Reason")


class PublicSearchForm(NamedErrorsMixin, forms.Form):
    q = forms.CharField(required=False, label="Provider or course", max_length=100)
    level = forms.ChoiceField(choices=[("", "Any level"), *Level.choices], required=False, label="Level")
    mode = forms.ChoiceField(choices=[("", "Any mode"), *Mode.choices], required=False, label="Mode of study")
    status = forms.ChoiceField(
        choices=[
            ("", "Approved and formerly approved"),
            ("approved", "Approved now"),
            ("formerly_approved", "Formerly approved"),
        ],
        required=False,
        label="Status",
    )
    region = forms.ChoiceField(required=False, label="Region")

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Any region"), *[(r.code, r.name) for r in regions]]
