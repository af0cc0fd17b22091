import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.dates import GovUKDateField, NamedErrorsMixin
from accounts.models import Organisation

from .documents import sniff
from .models import Annotation, Employment, FitnessToPractiseCase, Order
from .selectors import NUMBER_RE, normalise_number
from .services import MAX_END_NOTICE_DAYS, MIN_QUALIFYING_AGE, years_after

MAX_BULK = 100
TEXT_LIMIT = 5000  # free text: room for a full answer, not for a pasted document


def _date(label, required=True, help_text=None, initial=None, **bounds):
    return GovUKDateField(label=label, required=required, hint=help_text, initial=initial, **bounds)


def _days_ahead(days: int):
    return lambda: timezone.localdate() + datetime.timedelta(days=days)


def _today():
    return timezone.localdate()


def _years_ago(years: int):
    def bound():
        today = timezone.localdate()
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - years, day=28)

    return bound


YES_NO = [("yes", "Yes"), ("no", "No")]


def employers():
    return Organisation.objects.filter(
        kind__in=[Organisation.Kind.LOCAL_AUTHORITY, Organisation.Kind.OTHER_EMPLOYER], is_active=True
    ).order_by("name")


class ApplicationForm(NamedErrorsMixin, forms.Form):
    first_name = forms.CharField(
        max_length=150, label="First name", error_messages={"required": "Enter your first name"}
    )
    last_name = forms.CharField(max_length=150, label="Last name", error_messages={"required": "Enter your last name"})
    date_of_birth = _date(
        "Date of birth",
        help_text="For example, 27 3 1990. This is never shown to the public.",
        earliest=_years_ago(100),
        latest=_years_ago(16),
        latest_message="You must be at least 16 years old to apply",
        birth_date=True,
        required_message="Enter your date of birth",
    )
    email = forms.EmailField(label="Email address", error_messages={"required": "Enter your email address"})
    address = forms.CharField(
        max_length=TEXT_LIMIT,
        label="Home address",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter your home address"},
    )
    course = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Your course, from the list of approved courses",
        help_text="Approved and formerly approved social work courses.",
    )
    course_not_listed = forms.BooleanField(
        required=False, label="My course is not listed", help_text="For courses approved before records began."
    )
    qualification = forms.CharField(
        max_length=255,
        required=False,
        label="Qualifying course",
        help_text="If your course is not listed: the social work course you completed, and where.",
    )
    qualified_on = _date(
        "Date of qualification",
        latest=_today,
        earliest=lambda: datetime.date(1950, 1, 1),
        required_message="Enter your date of qualification",
    )
    employer = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Employer (if you have one)"
    )
    qualification_certificate = forms.FileField(
        label="Your qualification certificate",
        help_text="A PDF, JPG or PNG, smaller than 10MB.",
        error_messages={"required": "Select your qualification certificate"},
    )
    identity_document = forms.FileField(
        label="Proof of identity",
        help_text="Your passport or driving licence: a PDF, JPG or PNG, smaller than 10MB.",
        error_messages={"required": "Select your proof of identity"},
    )
    health_declaration = forms.TypedChoiceField(
        label="Do you have a health condition that could affect your ability to practise safely?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you have a health condition that could affect safe practice"},
    )
    character_declaration = forms.TypedChoiceField(
        label="Is there anything about your conduct or character the regulator should know?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if there is anything about your conduct or character"},
    )
    convictions_declaration = forms.TypedChoiceField(
        label="Do you have any convictions, cautions or pending charges?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you have any convictions, cautions or pending charges"},
    )
    declaration_details = forms.CharField(
        label="Details of anything you answered yes to",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    # The evidence fields and the document kind each becomes.
    EVIDENCE = {"qualification_certificate": "qualification", "identity_document": "identity"}

    def __init__(self, *args, sent_files: dict | None = None, **kwargs):
        """``sent_files`` names the evidence already uploaded for this application (field → file name): those
        fields may be left empty, and a new file replaces the one sent."""
        from .courses.selectors import public_courses

        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers()
        self.fields["course"].queryset = public_courses()
        self.fields["course"].label_from_instance = lambda c: f"{c.title}, {c.provider.name} ({c.award})"
        for name, file_name in (sent_files or {}).items():
            self.fields[name].required = False
            self.fields[name].help_text = f"You have added {file_name}. Choose a file only if you want to replace it."

    def _checked_upload(self, name):
        upload = self.cleaned_data.get(name)
        if upload:
            sniff(upload)
        return upload

    def clean_qualification_certificate(self):
        return self._checked_upload("qualification_certificate")

    def clean_identity_document(self):
        return self._checked_upload("identity_document")

    def service_arguments(self, sent: dict | None = None) -> dict:
        """The service's arguments; ``sent`` gives the evidence uploaded earlier (field → file) for fields left
        empty this time."""
        data = dict(self.cleaned_data)
        data["documents"] = {kind: data.pop(name) or (sent or {}).get(name) for name, kind in self.EVIDENCE.items()}
        return data

    def clean(self):
        data = super().clean()
        if not data.get("course") and not (data.get("qualification") or "").strip():
            self.add_error("course", "Select your course, or say it is not listed and name it")
        if data.get("course_not_listed") and not (data.get("qualification") or "").strip():
            self.add_error("qualification", "Enter the qualifying course you completed, and where")
        dob, qualified = data.get("date_of_birth"), data.get("qualified_on")
        answered_yes = any(
            data.get(name) for name in ("health_declaration", "character_declaration", "convictions_declaration")
        )
        if answered_yes and not (data.get("declaration_details") or "").strip():
            self.add_error("declaration_details", "Give details of anything you answered yes to")
        if dob and qualified and qualified < years_after(dob, MIN_QUALIFYING_AGE):
            self.add_error(
                "qualified_on",
                f"Date of qualification must be at least {MIN_QUALIFYING_AGE} years after your date of birth",
            )
        return data


class DeclarationForm(NamedErrorsMixin, forms.Form):
    """Asked on "Check your answers", just before the application is sent."""

    declared = forms.BooleanField(
        label="I confirm that the information I have given is true and complete",
        error_messages={"required": "Confirm that the information you have given is true"},
    )


class RestorationForm(NamedErrorsMixin, forms.Form):
    address = forms.CharField(label="Home address", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    statement = forms.CharField(
        label="Why you are applying to return",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Tell the regulator what has changed since your registration ended, and about your CPD.",
    )


class ResponseForm(NamedErrorsMixin, forms.Form):
    response = forms.CharField(max_length=TEXT_LIMIT, label="Your answer", widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(NamedErrorsMixin, forms.Form):
    DECISIONS = [
        ("approve", "Approve and add to the register"),
        ("more_information", "Ask for more information"),
        ("refuse", "Refuse"),
    ]
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect, label="Decision")
    reason = forms.CharField(
        max_length=TEXT_LIMIT,
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Sent to the applicant and kept in the record. If you ask for more information, say what you need.",
    )


class CPDForm(NamedErrorsMixin, forms.Form):
    title = forms.CharField(max_length=200, label="Title of the activity")
    activity_date = _date("Date of the activity", initial=timezone.localdate, latest=_today, earliest=_years_ago(5))
    learning = forms.CharField(
        max_length=TEXT_LIMIT, label="What you learned", widget=forms.Textarea(attrs={"rows": 4})
    )
    impact = forms.CharField(
        max_length=TEXT_LIMIT, label="The impact on your practice", widget=forms.Textarea(attrs={"rows": 4})
    )
    discussed_with_peer = forms.BooleanField(required=False, label="I discussed this with a peer (a peer reflection)")
    peer_name = forms.CharField(max_length=200, required=False, label="Who you discussed it with")

    def clean(self):
        data = super().clean()
        if data.get("discussed_with_peer") and not (data.get("peer_name") or "").strip():
            self.add_error("peer_name", "Enter who you discussed it with")
        day = data.get("activity_date")
        if day and day > timezone.localdate():
            self.add_error("activity_date", "Date of the activity must be today or in the past")
        return data


class DirectWorkForm(NamedErrorsMixin, forms.Form):
    worked_on = _date("Date", initial=timezone.localdate, latest=_today, earliest=_years_ago(2))
    hours = forms.DecimalField(
        label="Hours", min_value=Decimal("0.25"), max_value=Decimal("24"), decimal_places=2, max_digits=4
    )
    description = forms.CharField(
        max_length=255, label="What the work was", help_text="No names of children or families."
    )

    def clean_worked_on(self):
        day = self.cleaned_data["worked_on"]
        if day > timezone.localdate():
            raise ValidationError("Date must be today or in the past")
        return day


class EmploymentForm(NamedErrorsMixin, forms.Form):
    employer = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Employer")
    role_title = forms.CharField(max_length=200, label="Role", initial="Social worker")
    started_on = _date("Start date", earliest=lambda: datetime.date(1950, 1, 1), latest=_days_ahead(183))
    fte = forms.DecimalField(
        label="Full-time equivalent",
        min_value=Decimal("0.01"),
        max_value=Decimal("1"),
        decimal_places=2,
        max_digits=3,
        help_text="1 for full time, 0.5 for half time.",
    )
    contract = forms.ChoiceField(choices=Employment.Contract.choices, widget=forms.RadioSelect, label="Contract")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers()


class EndEmploymentForm(NamedErrorsMixin, forms.Form):
    ended_on = _date(
        "End date",
        initial=timezone.localdate,
        latest=_days_ahead(MAX_END_NOTICE_DAYS),
        latest_message="End date must be no more than 3 months from today. You can change it later if it moves.",
    )
    reason = forms.CharField(max_length=TEXT_LIMIT, label="Why it ended", widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(NamedErrorsMixin, forms.Form):
    reason = forms.CharField(max_length=TEXT_LIMIT, label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class PublicSearchForm(NamedErrorsMixin, forms.Form):
    q = forms.CharField(
        label="Name or registration number",
        required=False,
        max_length=100,
        help_text="For example, SW100123, or a surname.",
    )
    town = forms.CharField(label="Town of employer", required=False, max_length=100)

    def clean(self):
        data = super().clean()
        q, town = (data.get("q") or "").strip(), (data.get("town") or "").strip()
        if not q and not town:
            raise ValidationError("Enter a name, a registration number or a town")
        if q and not NUMBER_RE.match(normalise_number(q)) and len(q) < 2:
            self.add_error("q", "Enter at least 2 letters of a name")
        return data


class StaffSearchForm(NamedErrorsMixin, forms.Form):
    q = forms.CharField(label="Name, registration number or email", required=False, max_length=150)
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args, **kwargs):
        from .models import EntryStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *EntryStatus.choices]


def split_numbers(text: str) -> list[str]:
    """Numbers as people paste them: from a spreadsheet column (new lines, tabs), a list (commas, spaces),
    with "SW 100123" kept as one number."""
    tokens = [t.upper() for t in re.split(r"[\s,;]+", text or "") if t]
    numbers: list[str] = []
    for token in tokens:
        if numbers and numbers[-1] == "SW" and token.isdigit():
            numbers[-1] += token
        else:
            numbers.append(normalise_number(token))
    return numbers


class BulkLookupForm(NamedErrorsMixin, forms.Form):
    numbers = forms.CharField(
        max_length=TEXT_LIMIT,
        label="Registration numbers",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter at least one registration number."},
        help_text=f"Up to {MAX_BULK}, separated by new lines, spaces, tabs or commas, for example SW100123.",
    )

    def clean_numbers(self):
        raw = split_numbers(self.cleaned_data["numbers"])
        if not raw:
            raise ValidationError("Enter at least one registration number.")
        if len(raw) > MAX_BULK:
            raise ValidationError(f"Enter no more than {MAX_BULK} registration numbers; you entered {len(raw)}.")
        bad = [n for n in raw if not NUMBER_RE.match(n)]
        if bad:
            shown = ", ".join(bad[:5]) + (" and others" if len(bad) > 5 else "")
            raise ValidationError(
                f"These are not registration numbers (SW followed by digits): {shown}. Nothing was looked up."
            )
        return list(dict.fromkeys(raw))


class AnnotationForm(NamedErrorsMixin, forms.Form):
    kind = forms.ChoiceField(choices=Annotation.Kind.choices, label="Annotation")
    starts_on = _date("Start date", initial=timezone.localdate)
    ends_on = _date("End date", required=False, help_text="Leave blank if it has no end date.")
    note = forms.CharField(max_length=255, required=False, label="Note")


class EndAnnotationForm(NamedErrorsMixin, forms.Form):
    ends_on = _date("End date", initial=timezone.localdate)
    reason = forms.CharField(max_length=TEXT_LIMIT, label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class ConditionForm(NamedErrorsMixin, forms.Form):
    text = forms.CharField(max_length=TEXT_LIMIT, label="Condition", widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = _date("Start date", initial=timezone.localdate)
    ends_on = _date("End date")
    case = forms.ModelChoiceField(queryset=FitnessToPractiseCase.objects.none(), required=False, label="Linked case")

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entry is not None:
            self.fields["case"].queryset = entry.ftp_cases.all()


class CaseForm(NamedErrorsMixin, forms.Form):
    concern = forms.CharField(max_length=TEXT_LIMIT, label="The concern", widget=forms.Textarea(attrs={"rows": 5}))
    source = forms.CharField(
        max_length=200, label="Who raised it", help_text="For example, employer, member of the public, police."
    )
    received_on = _date("Date received", initial=timezone.localdate, latest=_today, earliest=_years_ago(20))


class StageForm(NamedErrorsMixin, forms.Form):
    stage = forms.ChoiceField(
        choices=[c for c in FitnessToPractiseCase.Stage.choices if c[0] != "closed"],
        label="Move to stage",
        error_messages={"required": "Select the stage to move to"},
    )
    note = forms.CharField(max_length=TEXT_LIMIT, label="Why", widget=forms.Textarea(attrs={"rows": 3}))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class InterimOrderForm(NamedErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=[(k, Order.Kind(k).label) for k in Order.INTERIM], widget=forms.RadioSelect, label="Interim order"
    )
    starts_on = _date("Start date", initial=timezone.localdate)
    review_on = _date("Review date")
    expires_on = _date("Expiry date")
    conditions = forms.CharField(
        max_length=TEXT_LIMIT,
        required=False,
        label="Conditions (for interim conditions)",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One condition per line.",
    )
    reason = forms.CharField(max_length=TEXT_LIMIT, label="Reasons", widget=forms.Textarea(attrs={"rows": 3}))

    def clean_conditions(self):
        return _lines(self.cleaned_data.get("conditions"))


class OutcomeForm(NamedErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        choices=FitnessToPractiseCase.Outcome.choices, widget=forms.RadioSelect, label="Outcome"
    )
    starts_on = _date("Sanction start date", required=False, help_text="For a sanction. Leave blank for today.")
    expires_on = _date("Sanction expiry date", required=False, help_text="For a warning, conditions or suspension.")
    conditions = forms.CharField(
        max_length=TEXT_LIMIT,
        required=False,
        label="Conditions (for conditions of practice)",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One condition per line.",
    )
    reason = forms.CharField(max_length=TEXT_LIMIT, label="Reasons", widget=forms.Textarea(attrs={"rows": 3}))

    def clean_conditions(self):
        return _lines(self.cleaned_data.get("conditions"))
