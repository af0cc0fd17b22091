"""Demo data for practice observation (called by ``seed_accreditation_demo``): sessions ahead, the demo assessor
with someone to check in today, a scoresheet half done, and a moderation case waiting for regulator staff.
Safe to run again: it does nothing once sessions exist."""

from __future__ import annotations

import datetime
import random

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User

from . import services
from .models import AssessmentSession, Candidate, Recommendation

ASSESSOR_EMAIL = "assessor@example.com"
SECOND_ASSESSOR = ("jamie.clarke@example.com", "Jamie", "Clarke")
CENTRE = "National Assessment Centre for Child and Family Social Work"
DEMO_PASSWORD = "demo-password-2026"  # nosec B105 # demo users exist only with DEMO_MODE on

# email, first name, last name, where they stand at the observation
PEOPLE = [
    ("ella.wright@example.com", "Ella", "Wright", "to_check_in"),
    ("ravi.patel@example.com", "Ravi", "Patel", "moderation"),
    ("mia.roberts@example.com", "Mia", "Roberts", "passed"),
]


def seed(command, *, regulator: User, manager: User, leeds: Organisation) -> int:
    """Returns how many demo candidates were placed at the observation stage."""
    assessor = User.objects.filter(email=ASSESSOR_EMAIL).first()
    centre = Organisation.objects.filter(name=CENTRE).first()
    if assessor is None or centre is None or AssessmentSession.objects.exists():
        return 0
    second = _second_assessor(centre)
    today = timezone.localdate()
    for days, slot in ((7, "morning"), (7, "late_morning"), (14, "early_afternoon")):
        _session(regulator, assessor, centre, today + datetime.timedelta(days=days), slot)
    _session(regulator, second, leeds, today + datetime.timedelta(days=10), "morning", kind="on_site")
    placed = 0
    grace = Candidate.objects.filter(user__email="grace.mensah@example.com", stage="observation").first()
    if grace:  # passed the knowledge test in the pathway demo: her scoresheet is half done
        sheet = _observed(grace, regulator, assessor, centre)
        keys = list(sheet.scores.values_list("domain_key", flat=True))
        services.save_draft(
            scoresheet=sheet,
            by=assessor,
            scores={
                k: {"score": 3, "evidence": "Demo: clear, warm explanation to the parent; checked understanding."}
                for k in keys[: len(keys) // 2]
            },
            summary="Demo: half way through the simulation.",
        )
        placed += 1
    for email, first, last, where in PEOPLE:
        user = command._person(email, first, last, leeds, regulator)
        if Candidate.objects.filter(user=user).exists():
            continue
        c = services.nominate(manager=manager, user=user, level="practitioner", organisation=leeds)
        c = command._map_and_endorse(c, manager)
        command._sit(c, user, right=27)
        c.refresh_from_db()
        if c.stage != Candidate.Stage.OBSERVATION:
            continue
        placed += 1
        if where == "to_check_in":
            s = _session(regulator, assessor, centre, today + datetime.timedelta(days=1), "morning")
            services.book_session(candidate=c, session=s, by=user, adjustments="Demo: a ground-floor room, please.")
            AssessmentSession.objects.filter(pk=s.pk).update(date=today)
        elif where == "moderation":
            first_sheet = _observed(c, regulator, second, centre)
            _fill(first_sheet, second, 3, Recommendation.PASS, low=2)
            services.submit_scores(scoresheet=first_sheet, by=second, rng=random.Random(1))  # nosec B311 # demo
            sheet = first_sheet.observation.scoresheets.filter(marker="second").first()
            if sheet and sheet.assessor_id != assessor.pk:
                continue
            if sheet:
                _fill(sheet, assessor, 2, Recommendation.NOT_PASS)
                services.submit_scores(scoresheet=sheet, by=assessor)
        elif where == "passed":
            sheet = _observed(c, regulator, assessor, centre)
            _fill(sheet, assessor, 4, Recommendation.PASS)
            services.submit_scores(scoresheet=sheet, by=assessor, rng=random.Random(1))  # nosec B311 # demo
    return placed


def pass_observation(candidate: Candidate, regulator: User) -> Candidate:
    """Observed and passed by the demo assessor, as the stage's services would do it (for the decision demo)."""
    assessor = User.objects.get(email=ASSESSOR_EMAIL)
    centre = Organisation.objects.get(name=CENTRE)
    sheet = _observed(candidate, regulator, assessor, centre)
    _fill(sheet, assessor, 4, Recommendation.PASS)
    services.submit_scores(scoresheet=sheet, by=assessor, rng=random.Random(1))  # nosec B311 # demo: no sample
    return Candidate.objects.get(pk=candidate.pk)


def _second_assessor(centre: Organisation) -> User:
    email, first, last = SECOND_ASSESSOR
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    Membership.objects.get_or_create(user=user, organisation=centre, role=Role.ASSESSOR, ended_on=None)
    user.__dict__.pop("active_memberships", None)
    user.__dict__.pop("roles", None)
    return user


def _session(regulator, assessor, venue, day, slot, *, kind="centre") -> AssessmentSession:
    return services.create_session(
        kind=kind,
        venue=venue,
        address="Room 2" if kind == "centre" else "Merrion House, Leeds",
        date=day,
        slot=slot,
        capacity=3,
        assessor=assessor,
        by=regulator,
    )


def _observed(candidate, regulator, assessor, centre):
    """Booked for tomorrow, then (demo only) the day brought forward to today, and checked in."""
    today = timezone.localdate()
    s = _session(regulator, assessor, centre, today + datetime.timedelta(days=1), "late_morning")
    booking = services.book_session(candidate=candidate, session=s, by=candidate.user)
    AssessmentSession.objects.filter(pk=s.pk).update(date=today)
    observation = services.check_in(
        booking=booking, by=assessor, photo_id=True, registration_number=True, recording_consent=True
    )
    return observation.scoresheets.get(marker="first")


def _fill(sheet, by, mark, recommendation, *, low=None):
    keys = list(sheet.scores.values_list("domain_key", flat=True))
    scores = {k: {"score": mark, "evidence": f"Demo evidence for {k}."} for k in keys}
    if low is not None:
        scores[keys[0]]["score"] = low
    services.save_draft(
        scoresheet=sheet,
        by=by,
        scores=scores,
        reflection_mark=mark,
        recommendation=recommendation,
        summary="Demo: scored after the filmed simulation and the written reflection.",
    )
