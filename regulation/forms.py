from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organisation

from .models import Annotation, Employment, FitnessToPractiseCase, Order
from .selectors import NUMBER_RE, normalise_number

MAX_BULK = 100


class DateInput(forms.DateInput):
    input_type = "date"


def _date(label, required=True, help_text="For example, 2026-03-27.", initial=None):
    return forms.DateField(label=label, required=required, widget=DateInput, help_text=help_text, initial=initial)


def employers():
    return Organisation.objects.filter(
        kind__in=[Organisation.Kind.LOCAL_AUTHORITY, Organisation.Kind.OTHER_EMPLOYER], is_active=True
    ).order_by("name")


class ApplicationForm(forms.Form):
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    date_of_birth = _date("Date of birth", help_text="For example, 1990-03-27. This is never shown to the public.")
    email = forms.EmailField(label="Email address")
    address = forms.CharField(label="Home address", widget=forms.Textarea(attrs={"rows": 3}))
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
    qualified_on = _date("Date of qualification")
    employer = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Employer (if you have one)"
    )

    def __init__(self, *args, **kwargs):
        from .courses.selectors import public_courses

        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers()
        self.fields["course"].queryset = public_courses()
        self.fields["course"].label_from_instance = lambda c: f"{c.title}, {c.provider.name} ({c.award})"

    def clean(self):
        data = super().clean()
        if not data.get("course") and not (data.get("qualification") or "").strip():
            self.add_error("course", "Choose your course, or say it is not listed and name it.")
        if data.get("course_not_listed") and not (data.get("qualification") or "").strip():
            self.add_error("qualification", "Enter the qualifying course you completed, and where.")
        dob, qualified = data.get("date_of_birth"), data.get("qualified_on")
        today = timezone.localdate()
        if dob and dob >= today:
            self.add_error("date_of_birth", "Date of birth must be in the past.")
        if qualified and qualified > today:
            self.add_error("qualified_on", "Date of qualification must be today or in the past.")
        if dob and qualified and qualified <= dob:
            self.add_error("qualified_on", "Date of qualification must be after your date of birth.")
        return data


class ResponseForm(forms.Form):
    response = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(forms.Form):
    DECISIONS = [
        ("approve", "Approve and add to the register"),
        ("more_information", "Ask for more information"),
        ("refuse", "Refuse"),
    ]
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect, label="Decision")
    reason = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Sent to the applicant and kept in the record. If you ask for more information, say what you need.",
    )


class CPDForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title of the activity")
    activity_date = _date("Date of the activity", initial=timezone.localdate)
    learning = forms.CharField(label="What you learned", widget=forms.Textarea(attrs={"rows": 4}))
    impact = forms.CharField(label="The impact on your practice", widget=forms.Textarea(attrs={"rows": 4}))
    discussed_with_peer = forms.BooleanField(required=False, label="I discussed this with a peer (a peer reflection)")
    peer_name = forms.CharField(max_length=200, required=False, label="Who you discussed it with")

    def clean(self):
        data = super().clean()
        if data.get("discussed_with_peer") and not (data.get("peer_name") or "").strip():
            self.add_error("peer_name", "Say who you discussed it with.")
        day = data.get("activity_date")
        if day and day > timezone.localdate():
            self.add_error("activity_date", "The date of the activity must be today or in the past.")
        return data


class DirectWorkForm(forms.Form):
    worked_on = _date("Date", initial=timezone.localdate)
    hours = forms.DecimalField(
        label="Hours", min_value=Decimal("0.25"), max_value=Decimal("24"), decimal_places=2, max_digits=4
    )
    description = forms.CharField(
        max_length=255, label="What the work was", help_text="No names of children or families."
    )

    def clean_worked_on(self):
        day = self.cleaned_data["worked_on"]
        if day > timezone.localdate():
            raise ValidationError("The date must be today or in the past.")
        return day


class EmploymentForm(forms.Form):
    employer = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Employer")
    role_title = forms.CharField(max_length=200, label="Role", initial="Social worker")
    started_on = _date("Start date")
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


class EndEmploymentForm(forms.Form):
    ended_on = _date("End date", initial=timezone.localdate)
    reason = forms.CharField(label="Why it ended", widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class PublicSearchForm(forms.Form):
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
            raise ValidationError("Enter a name, a registration number or a town.")
        if q and not NUMBER_RE.match(normalise_number(q)) and len(q) < 2:
            self.add_error("q", "Enter at least 2 letters of a name.")
        return data


class StaffSearchForm(forms.Form):
    q = forms.CharField(label="Name, registration number or email", required=False, max_length=150)
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args, **kwargs):
        from .models import EntryStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *EntryStatus.choices]


class BulkLookupForm(forms.Form):
    numbers = forms.CharField(
        label="Registration numbers",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter at least one registration number."},
        help_text=f"Up to {MAX_BULK}, one per line or separated by commas, for example SW100123.",
    )

    def clean_numbers(self):
        raw = [
            n
            for n in (normalise_number(part) for part in self.cleaned_data["numbers"].replace(",", "\n").split("\n"))
            if n
        ]
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


class AnnotationForm(forms.Form):
    kind = forms.ChoiceField(choices=Annotation.Kind.choices, label="Annotation")
    starts_on = _date("Start date", initial=timezone.localdate)
    ends_on = _date("End date", required=False, help_text="Leave blank if it has no end date.")
    note = forms.CharField(max_length=255, required=False, label="Note")


class EndAnnotationForm(forms.Form):
    ends_on = _date("End date", initial=timezone.localdate)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class ConditionForm(forms.Form):
    text = forms.CharField(label="Condition", widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = _date("Start date", initial=timezone.localdate)
    ends_on = _date("End date", required=False, help_text="Leave blank if it has no end date.")
    case = forms.ModelChoiceField(queryset=FitnessToPractiseCase.objects.none(), required=False, label="Linked case")

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entry is not None:
            self.fields["case"].queryset = entry.ftp_cases.all()


class CaseForm(forms.Form):
    concern = forms.CharField(label="The concern", widget=forms.Textarea(attrs={"rows": 5}))
    source = forms.CharField(
        max_length=200, label="Who raised it", help_text="For example, employer, member of the public, police."
    )
    received_on = _date("Date received", initial=timezone.localdate)


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        choices=[c for c in FitnessToPractiseCase.Stage.choices if c[0] != "closed"], label="Move to stage"
    )
    note = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class InterimOrderForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k, Order.Kind(k).label) for k in Order.INTERIM], widget=forms.RadioSelect, label="Interim order"
    )
    starts_on = _date("Start date", initial=timezone.localdate)
    review_on = _date("Review date")
    expires_on = _date("Expiry date")
    conditions = forms.CharField(
        required=False,
        label="Conditions (for interim conditions)",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One condition per line.",
    )
    reason = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 3}))

    def clean_conditions(self):
        return _lines(self.cleaned_data.get("conditions"))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=FitnessToPractiseCase.Outcome.choices, widget=forms.RadioSelect, label="Outcome"
    )
    starts_on = _date("Sanction start date", required=False, help_text="For a sanction. Leave blank for today.")
    expires_on = _date("Sanction expiry date", required=False, help_text="For a warning, conditions or suspension.")
    conditions = forms.CharField(
        required=False,
        label="Conditions (for conditions of practice)",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One condition per line.",
    )
    reason = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 3}))

    def clean_conditions(self):
        return _lines(self.cleaned_data.get("conditions"))
