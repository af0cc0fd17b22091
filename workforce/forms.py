from django import forms

from accounts.dates import NamedErrorsMixin

from .calculations import COUNTS, RATES
from .validation import Problem

SYMBOL_HINT = "A number, or x if it is not known (then say why below)."
COUNT_HINTS = {
    "inpost_fte": "Children and family social workers employed by the authority at 30 September.",
    "starters_fte": "Joined in the year to 30 September.",
    "leavers_fte": "Left in the year to 30 September.",
    "agency_fte": "Agency social workers working for the authority at 30 September.",
    "agency_cover_fte": "Agency workers covering a vacancy.",
    "vacancy_fte": "Vacant posts at 30 September.",
    "case_holders_fte": "Social workers holding cases.",
    "cases": "Cases held at 30 September (a whole number).",
    "working_days_lost_fte": "Working days lost to sickness absence in the year.",
}


class ReturnForm(NamedErrorsMixin, forms.Form):
    """Counts are text so the published symbols can be entered; the service checks them all together."""

    def __init__(self, *args, units=None, with_year=True, with_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_year:
            self.fields["year"] = forms.IntegerField(
                label="Reporting year",
                help_text="The year ending 30 September, for example 2024.",
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
            )
        if units and len(units) > 1:
            self.fields["unit"] = forms.ChoiceField(
                label="Which return is this?",
                choices=[(str(u.pk), str(u)) for u in units],
                widget=forms.RadioSelect,
                error_messages={"required": "Select which return this is"},
            )
        for name, label in COUNTS.items():
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                help_text=COUNT_HINTS.get(name, SYMBOL_HINT if name.endswith("headcount") else ""),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
            )
        self.fields["not_known_reason"] = forms.CharField(
            label="If you entered x for a figure you do not know, say why",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="Only starters and agency headcount can be x: every other count is needed for the rates.",
        )
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label="Why are you correcting this return?",
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": "Enter why you are correcting this return"},
                help_text="This is kept with the corrected version.",
            )

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            field = problem.column if problem.column in self.fields else None
            if field == "time_period" and "year" in self.fields:
                field = "year"
            self.add_error(field if field in self.fields else None, problem.message)


class UploadForm(NamedErrorsMixin, forms.Form):
    file = forms.FileField(
        label="Upload your return as a CSV file",
        help_text="Columns: time_period, old_la_code and " + ", ".join(COUNTS) + ". UTF-8 or Excel CSV.",
    )
    reason = forms.CharField(
        label="If this corrects a return you have already submitted, say why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("The selected file must be a CSV file (ending .csv)")
        return upload

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.add_error("file", str(problem))


class ForecastForm(NamedErrorsMixin, forms.Form):
    turnover_rate = forms.DecimalField(
        label="Turnover rate (% of FTE a year)", min_value=0, max_value=100, decimal_places=1
    )
    growth_in_posts = forms.DecimalField(
        label="Growth in posts (% a year)", min_value=-50, max_value=50, decimal_places=1
    )
    early_career_starters = forms.DecimalField(
        label="Early-career starters a year (FTE, from the ASYE or early career programme)",
        min_value=0,
        max_value=5000,
        decimal_places=1,
    )
    course_places_in_region = forms.DecimalField(
        label="Qualifying course places in your region a year", min_value=0, max_value=100000, decimal_places=1
    )
    experienced_starters = forms.DecimalField(
        label="Experienced social workers recruited a year (FTE)", min_value=0, max_value=5000, decimal_places=1
    )


class AuthoritiesFilterForm(NamedErrorsMixin, forms.Form):
    year = forms.TypedMultipleChoiceField(
        label="Years", coerce=int, required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "app-years"})
    )
    region = forms.ChoiceField(label="Region", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("name", "Authority name"), *[(k, r.label) for k, r in RATES.items()]],
    )
    order = forms.ChoiceField(
        label="Order", required=False, choices=[("desc", "Highest first"), ("asc", "Lowest first")]
    )

    def __init__(self, *args, years=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        self.fields["region"].choices = [("", "All regions"), *regions]


class StatisticsFilterForm(NamedErrorsMixin, forms.Form):
    year = forms.TypedChoiceField(label="Year", coerce=int, required=False, empty_value=None)
    level = forms.ChoiceField(
        label="Level",
        required=False,
        choices=[
            ("", "Every level"),
            ("national", "England"),
            ("regional", "Regions"),
            ("local_authority", "Authorities"),
        ],
    )
    area = forms.ChoiceField(label="Area", required=False)
    measure = forms.ChoiceField(label="Measure", required=False)
    page_size = forms.TypedChoiceField(
        label="Rows a page", coerce=int, required=False, empty_value=None, choices=[(n, n) for n in (25, 50, 100, 500)]
    )

    def __init__(self, *args, years=(), areas=(), **kwargs):
        from .statistics import MEASURES

        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Every year"), *[(y, y) for y in years]]
        self.fields["area"].choices = [("", "Every area"), *areas]
        self.fields["measure"].choices = [("", "Every measure"), *MEASURES.items()]
