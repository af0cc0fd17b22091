"""Shortcuts for the practice observation tests: a candidate at the observation stage, sessions, scoring."""

import datetime
import random

from django.utils import timezone

from accounts.models import Role
from accreditation import services
from accreditation.models import AssessmentSession, Candidate, Recommendation
from tests.factories import OrganisationFactory, make_user


class FixedRng(random.Random):
    """An injectable RNG whose draws are known: ``FixedRng(99)`` never samples, ``FixedRng(0)`` always does."""

    def __init__(self, value: float):
        super().__init__(0)
        self.value = value

    def random(self):
        return self.value / 100


NO_SAMPLE = FixedRng(99)
SAMPLE = FixedRng(0)


def at_observation(candidate: Candidate) -> Candidate:
    """Past the knowledge assessment (tested in test_assessment_services) without sitting one."""
    Candidate.objects.filter(pk=candidate.pk).update(stage=Candidate.Stage.OBSERVATION)
    candidate.refresh_from_db()
    return candidate


def assessor(email: str, organisation=None):
    return make_user(
        Role.ASSESSOR,
        organisation=organisation or OrganisationFactory(kind="assessment_centre"),
        email=email,
        first_name=email.split("@")[0].capitalize(),
        last_name="Assessor",
    )


def session(by, assessor, *, days: int = 7, capacity: int = 2, venue=None) -> AssessmentSession:
    return services.create_session(
        kind=AssessmentSession.Kind.CENTRE,
        venue=venue or assessor.active_memberships[0].organisation,
        date=timezone.localdate() + datetime.timedelta(days=days),
        slot=AssessmentSession.Slot.MORNING,
        capacity=capacity,
        assessor=assessor,
        by=by,
    )


def on_the_day(session: AssessmentSession) -> AssessmentSession:
    AssessmentSession.objects.filter(pk=session.pk).update(date=timezone.localdate())
    session.refresh_from_db()
    return session


def observed(candidate, by_regulator, the_assessor):
    """Booked, the day arrived, checked in: returns the first assessor's draft scoresheet."""
    s = session(by_regulator, the_assessor)
    booking = services.book_session(candidate=candidate, session=s, by=candidate.user)
    on_the_day(s)
    observation = services.check_in(
        booking=booking, by=the_assessor, photo_id=True, registration_number=True, recording_consent=True
    )
    return observation.scoresheets.get(marker="first")


def fill(sheet, by, mark: int, recommendation: str = Recommendation.PASS, *, reflection: int | None = None):
    keys = list(sheet.scores.values_list("domain_key", flat=True))
    return services.save_draft(
        scoresheet=sheet,
        by=by,
        scores={k: {"score": mark, "evidence": f"Seen: {k}"} for k in keys},
        reflection_mark=reflection if reflection is not None else mark,
        recommendation=recommendation,
        summary="Observed a full simulation.",
    )
