import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from regulation import services as register_services
from tests.factories import LocalAuthorityFactory, MembershipFactory, RegionFactory, make_user
from training import services
from training.models import Programme

# Registration approved in spring 2027; cohort starts on Monday 6 September 2027.
SPRING = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=datetime.UTC)
START = datetime.date(2027, 9, 6)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=datetime.UTC)


def register(user, regulator, *, qualified_on=datetime.date(2026, 7, 1), dob=None):
    application = register_services.submit_application(
        applicant=user,
        first_name=user.first_name,
        last_name=user.last_name,
        date_of_birth=dob or datetime.date(1980, 1, 1 + user.pk % 27),
        email=user.email,
        address="1 Park Row, Leeds",
        qualification="BA Social Work",
        qualified_on=qualified_on,
    )
    return register_services.approve_application(application=application, by=regulator, reason="Checked")


@pytest.fixture
def regulator(db):
    return make_user(Role.REGULATOR_STAFF, email="ruth@regulator.example")


@pytest.fixture
def council(db):
    return LocalAuthorityFactory(
        name="Leeds City Council", town="Leeds", region=RegionFactory(code="E12000003", name="Yorkshire")
    )


@pytest.fixture
def team(db, council, regulator, time_machine):
    """A co-ordinator (line manager), a supervisor and an assessor (registered), and a newly qualified participant."""
    time_machine.move_to(SPRING, tick=False)
    coordinator = make_user(
        Role.LINE_MANAGER, organisation=council, first_name="Priya", last_name="Shah", email="priya@leeds.example"
    )
    supervisor = make_user(
        Role.SOCIAL_WORKER, organisation=council, first_name="Sue", last_name="Visor", email="sue@leeds.example"
    )
    assessor = make_user(
        Role.SOCIAL_WORKER, organisation=council, first_name="Asha", last_name="Sessor", email="asha@leeds.example"
    )
    participant = make_user(
        Role.SOCIAL_WORKER, organisation=council, first_name="Sam", last_name="Okafor", email="sam@leeds.example"
    )
    register(supervisor, regulator, qualified_on=datetime.date(2010, 7, 1))
    register(assessor, regulator, qualified_on=datetime.date(2008, 7, 1))
    register(coordinator, regulator, qualified_on=datetime.date(2005, 7, 1))
    entry = register(participant, regulator)
    return {
        "council": council,
        "coordinator": coordinator,
        "supervisor": supervisor,
        "assessor": assessor,
        "participant": participant,
        "entry": entry,
        "regulator": regulator,
    }


def asye():
    return Programme.objects.get(code="asye")


def enrol(team, *, start=START, fte="1", programme=None, **overrides):
    data = {
        "by": team["coordinator"],
        "programme": programme or asye(),
        "registration_number": team["entry"].registration_number,
        "employer": team["council"],
        "start_date": start,
        "supervisor": team["supervisor"],
        "assessor": team["assessor"],
        "line_manager": team["coordinator"],
        "team": "Children in need, east",
        "fte": Decimal(fte),
    }
    data.update(overrides)
    return services.enrol(**data)


def all_on_track(programme):
    return dict.fromkeys(programme.standards, "on_track")


def review(enrolment, point, day, *, recommendation="", by=None):
    """Record a review. Before the final assessment, the reviews that are not optional and not yet recorded are
    recorded first, each on its due date (the service refuses a final assessment without them)."""
    if enrolment.programme.review_point(point).get("final"):
        done = set(enrolment.reviews.filter(returned_at__isnull=True).values_list("point", flat=True))
        for earlier in enrolment.programme.review_points:
            if not (earlier.get("optional") or earlier.get("final") or earlier["key"] in done):
                review(enrolment, earlier["key"], min(day, enrolment.point_due_on(earlier)), by=by)
    final = bool(enrolment.programme.review_point(point).get("final"))
    programme = enrolment.programme
    return services.record_review(
        enrolment=enrolment,
        by=by or enrolment.assessor,
        point=point,
        held_on=day,
        judgements=final_judgements(enrolment.programme, recommendation)
        if final
        else all_on_track(enrolment.programme),
        evidence_seen="Two observations, feedback from a family",
        actions="Keep going",
        recommendation=recommendation,
        standard_evidence=final_evidence(programme) if final else None,
    )


def final_judgements(programme, recommendation="pass"):
    """Every standard met for a pass; the first not met for a fail."""
    judgements = dict.fromkeys(programme.standards, "met")
    if recommendation == "fail":
        judgements[programme.standards[0]] = "not_met"
    return judgements


def final_evidence(programme):
    return {s: f"Seen in practice: {s.lower()}" for s in programme.standards}


@pytest.fixture
def enrolled(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    return enrol(team)


def add_member(user, org, role):
    MembershipFactory(user=user, organisation=org, role=role)
    user.__dict__.pop("active_memberships", None)
    user.__dict__.pop("roles", None)
