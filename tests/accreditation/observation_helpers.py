"""Shortcuts for the practice observation tests: a candidate at the observation stage, sessions, scoring."""

import datetime
import random

from django.utils import timezone

from accounts.models import Role
from accreditation import services
from accreditation.models import AssessmentSession, Booking, Candidate, Recommendation
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


def add_observation_world(world: dict) -> dict:
    """For the access table: the role users' worker at the observation stage (supervisor level) with a session
    booked, and another candidate checked in and being scored by the role users' assessor, sent to moderation
    after two assessors disagreed."""
    from tests.factories import make_user
    from tests.regulation.conftest import register

    from .conftest import employ, map_all

    users, employer = world["users"], world["employer"]
    regulator, manager, worker = users[Role.REGULATOR_STAFF], users[Role.LINE_MANAGER], users[Role.SOCIAL_WORKER]
    the_assessor = users[Role.ASSESSOR]
    c = services.nominate(manager=manager, user=worker, level="supervisor", organisation=employer)
    map_all(c, manager)
    services.endorse(candidate=c, by=manager, reason="Ready")
    c = at_observation(c)
    booking = services.book_session(candidate=c, session=session(regulator, the_assessor), by=worker)

    other = make_user(None, email="observed@example.com")
    employ(register(other, regulator), employer)
    oc = services.nominate(manager=manager, user=other, level="practitioner", organisation=employer)
    map_all(oc, manager)
    services.endorse(candidate=oc, by=manager, reason="Ready")
    oc = at_observation(oc)
    today = on_the_day(session(regulator, the_assessor))
    today_booking = Booking.objects.create(session=today, candidate=oc, booked_by=other)

    third = make_user(None, email="moderated@example.com")
    employ(register(third, regulator), employer)
    mc = services.nominate(manager=manager, user=third, level="practitioner", organisation=employer)
    map_all(mc, manager)
    services.endorse(candidate=mc, by=manager, reason="Ready")
    mc = at_observation(mc)
    second_assessor = assessor("second@centre.example")
    first_sheet = observed(mc, regulator, second_assessor)
    fill(first_sheet, second_assessor, 3, Recommendation.NOT_PASS)
    services.submit_scores(scoresheet=first_sheet, by=second_assessor, rng=NO_SAMPLE)
    sheet = first_sheet.observation.scoresheets.get(marker="second")  # the role users' assessor, blind
    world.update(
        {
            "obs_candidate": c,
            "observed_user": other,
            "booking": booking,
            "today_booking": today_booking,
            "sheet": sheet,
            "observation": first_sheet.observation,
        }
    )
    return world
