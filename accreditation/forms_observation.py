"""Forms of the practice observation pages (booking, the day's checks, moderation, sessions)."""

from django import forms

from accounts.dates import GovUKDateField, NamedErrorsMixin

from .models import AssessmentSession, Observation


class BookForm(NamedErrorsMixin, forms.Form):
    session = forms.TypedChoiceField(label="Session", coerce=int, choices=(), widget=forms.RadioSelect)
    adjustments = forms.CharField(
        label="Reasonable adjustments you need (optional)",
        help_text="For example extra time, a quiet room, a hearing loop, step-free access or breaks.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {s.pk: s for s in sessions}
        self.fields["session"].choices = [
            (
                s.pk,
                f"{s.date:%A %-d %B %Y}, {s.get_slot_display().lower()}: {s.get_kind_display().lower()}, "
                f"{s.venue}{', ' + s.address if s.address else ''} ({s.capacity - s.taken} of {s.capacity} "
                "places free)",
            )
            for s in sessions
        ]


class CancelForm(NamedErrorsMixin, forms.Form):
    reason = forms.CharField(label="Why you are cancelling", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CheckInForm(NamedErrorsMixin, forms.Form):
    photo_id = forms.BooleanField(label="I have seen photo ID that matches the candidate", required=False)
    registration_number = forms.BooleanField(label="The registration number matches the register", required=False)
    recording_consent = forms.BooleanField(
        label="The candidate consents to the observation being recorded", required=False
    )
    footage_for_training = forms.BooleanField(
        label="The candidate agrees the footage may be used to train assessors (optional)", required=False
    )


class ResolveForm(NamedErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Result",
        choices=[(Observation.Outcome.PASSED, "Passed"), (Observation.Outcome.NOT_PASSED, "Not passed")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Your reasons",
        help_text="Both assessors and the candidate see them. Say which marks you relied on and why.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SessionForm(NamedErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="Where", choices=AssessmentSession.Kind.choices, widget=forms.RadioSelect)
    venue = forms.TypedChoiceField(label="Assessment centre or employer", coerce=int, choices=())
    address = forms.CharField(label="Address or room (optional)", required=False, max_length=255)
    date = GovUKDateField(label="Date")
    slot = forms.ChoiceField(label="Start time", choices=AssessmentSession.Slot.choices, widget=forms.RadioSelect)
    capacity = forms.IntegerField(label="Places", min_value=1, max_value=50, initial=3)
    assessor = forms.TypedChoiceField(label="Assessor", coerce=int, choices=())

    def __init__(self, *args, venues=(), assessors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = [("", "Choose a venue")] + [(o.pk, o.name) for o in venues]
        self.fields["assessor"].choices = [("", "Choose an assessor")] + [(u.pk, str(u)) for u in assessors]
