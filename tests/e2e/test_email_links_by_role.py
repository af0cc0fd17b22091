"""Each role's emails, as they arrive at a real SMTP server, lead in a real browser to the page where that person
acts (issue #32): the second assessor to the scoresheet, regulator staff to the moderation, a course lead to the
decision and its conditions, an applicant to their application, a newly qualified social worker to their programme.
The line manager's and the candidate's are in test_notification_journey.py. Axe checks every page visited."""

import datetime

import pytest

from accounts.models import Organisation, Role
from accreditation import services as pathway
from accreditation.models import Level, Recommendation
from accreditation.services.pathway import ensure_standards
from tests.accreditation.conftest import employ, map_all
from tests.accreditation.observation_helpers import SAMPLE, assessor, at_observation, fill, observed
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, LocalAuthorityFactory, OrganisationFactory, make_user
from tests.mailserver import links_in
from tests.regulation.conftest import apply_for, register

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _only_link(server, person, subject_starts: str) -> str:
    [message] = [m for m in server.received.to(person.email) if m["Subject"].startswith(subject_starts)]
    [url] = links_in(message)
    return url


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state()
    page.check()


def test_assessor_and_moderator_follow_their_emails_to_the_scoresheet_and_the_moderation(
    page, live_server, smtp_server, settings, time_machine
):
    time_machine.move_to(START, tick=True)
    settings.SITE_URL = live_server.url
    ensure_standards()
    leeds = LocalAuthorityFactory(name="Leeds City Council", town="Leeds")
    regulator = make_user(Role.REGULATOR_STAFF, first_name="Ruth", last_name="Adeyemi")
    manager = make_user(Role.LINE_MANAGER, organisation=leeds)
    worker = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Sam", last_name="Okafor")
    employ(register(worker, regulator), leeds)
    alex = assessor("alex@centre.example")
    bea = assessor("bea@centre.example")
    candidate = pathway.nominate(manager=manager, user=worker, level=Level.PRACTITIONER, organisation=leeds)
    map_all(candidate, manager)
    pathway.endorse(candidate=candidate, by=manager, reason="Ready")
    sheet = observed(at_observation(candidate), regulator, alex)
    fill(sheet, alex, 4)
    pathway.submit_scores(scoresheet=sheet, by=alex, rng=SAMPLE)  # sampled: a second assessor scores blind

    sign_in(page, bea.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    _open(page, _only_link(smtp_server, bea, "An observation for you to score"))
    assert "Score Sam Okafor" in page.inner_text("h1")
    assert page.get_by_role("button", name="Submit scores").count() == 1

    second = sheet.observation.scoresheets.get(marker="second")
    fill(second, bea, 1, Recommendation.NOT_PASS)
    pathway.submit_scores(scoresheet=second, by=bea)  # the assessors disagree
    page.context.clear_cookies()
    sign_in(page, regulator.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    _open(page, _only_link(smtp_server, regulator, "A practice observation needs moderation"))
    assert page.get_by_role("button", name="Record moderation").is_visible()


def test_course_lead_follows_the_decision_to_its_conditions(page, live_server, smtp_server, settings, time_machine):
    from regulation.courses import services as courses
    from tests.courses.conftest import COURSE, approve

    time_machine.move_to(START, tick=True)
    settings.SITE_URL = live_server.url
    university = OrganisationFactory(name="University of Leeds", kind=Organisation.Kind.EDUCATION_PROVIDER)
    provider = courses.provider_for_organisation(organisation=university)
    lead = make_user(Role.COURSE_LEAD, organisation=university, email="lead@leeds.example")
    regulator = make_user(Role.REGULATOR_STAFF)
    course = courses.add_course(provider=provider, by=lead, **COURSE)
    approve(course, lead, regulator, conditions=[("Add teaching on the law", datetime.date(2027, 6, 1))])

    sign_in(page, lead.email, TEST_PASSWORD)
    _open(page, _only_link(smtp_server, lead, "Decision on your course"))
    main = page.inner_text("main")
    assert "Approved with conditions" in main and "Add teaching on the law" in main


def test_applicant_follows_the_copy_of_their_application_to_it(page, live_server, smtp_server, settings, time_machine):
    time_machine.move_to(START, tick=True)
    settings.SITE_URL = live_server.url
    applicant = make_user(None, email="pat@example.com", first_name="Pat", last_name="Quinn")
    apply_for(applicant)

    sign_in(page, applicant.email, TEST_PASSWORD)
    [received] = smtp_server.received.to(applicant.email)
    [url] = links_in(received)
    _open(page, url)
    assert page.inner_text("h1") == "Your application to register"
    assert "MA Social Work, University of Leeds" in page.inner_text("main")


def test_newly_qualified_social_worker_follows_their_enrolment_to_their_programme(
    page, live_server, smtp_server, settings, time_machine
):
    from tests.training.conftest import enrol

    time_machine.move_to(START, tick=True)
    settings.SITE_URL = live_server.url
    council = LocalAuthorityFactory(name="Leeds City Council", town="Leeds")
    regulator = make_user(Role.REGULATOR_STAFF)
    people = {
        name: make_user(
            Role.LINE_MANAGER if name == "coordinator" else Role.SOCIAL_WORKER,
            organisation=council,
            first_name=name.capitalize(),
            last_name="Leeds",
            email=f"{name}@leeds.example",
        )
        for name in ("coordinator", "supervisor", "assessor", "participant")
    }
    for year, name in ((2012, "coordinator"), (2014, "supervisor"), (2013, "assessor")):
        register(people[name], regulator, qualified_on=datetime.date(year, 7, 1))
    entry = register(people["participant"], regulator, qualified_on=datetime.date(2026, 7, 1))
    enrol({**people, "council": council, "entry": entry}, start=datetime.date(2027, 3, 8))

    sign_in(page, people["participant"].email, TEST_PASSWORD)
    _open(page, _only_link(smtp_server, people["participant"], "You have been enrolled"))
    assert "Participant Leeds" in page.inner_text("h1") and "Your ASYE" in page.inner_text("h1")
    assert "Supervisor Leeds" in page.inner_text("main")  # who supports them, as the email said
