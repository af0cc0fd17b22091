"""Candidate books an observation → the assessor (TOTP) checks them in, scores in the browser, reloads mid-way
and loses no draft, submits → a borderline result goes to a second assessor who scores blind and disagrees →
a moderator resolves it → the candidate reaches the decision stage → regulator staff confirm → the certificate is
made by the worker (progress shown), downloaded and read → the public verify page and the signed credential say
valid → revoked, and both say so. The whole pathway's last two stages as their people meet them; axe on every
page."""

import datetime
import io

import pytest
from pypdf import PdfReader

from accounts.models import Role
from accreditation import services
from accreditation.models import AssessmentSession, Candidate, Observation, Scoresheet
from accreditation.services.pathway import ensure_standards
from tests.accreditation.conftest import employ, map_all
from tests.accreditation.observation_helpers import at_observation
from tests.e2e.conftest import sign_in
from tests.e2e.test_certificate_journey import _check_credential, _download, _open
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, LocalAuthorityFactory, OrganisationFactory, make_user
from tests.regulation.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=datetime.UTC)
THE_DAY = datetime.datetime(2027, 3, 3, 9, 30, tzinfo=datetime.UTC)


def _go(page, locator):
    locator.click()
    page.wait_for_load_state()
    page.check()


def _score(page, first: int, last: int, label: str):
    """Choose ``label`` for domains first..last (1-based) on the scoresheet, as an assessor taps them."""
    groups = page.locator("form#scoresheet fieldset")
    for i in range(first - 1, last):
        groups.nth(i).get_by_label(label, exact=True).check()


@pytest.mark.usefixtures("background_worker")
def test_book_score_moderate_confirm_certify_verify_and_revoke(page, browser, live_server, time_machine):
    time_machine.move_to(START, tick=True)
    ensure_standards()
    leeds = LocalAuthorityFactory(name="Leeds City Council", town="Leeds")
    centre = OrganisationFactory(name="National Assessment Centre", kind="assessment_centre")
    regulator = make_user(Role.REGULATOR_STAFF, first_name="Ruth", last_name="Adeyemi")
    manager = make_user(Role.LINE_MANAGER, organisation=leeds)
    worker = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Sam", last_name="Okafor")
    alex = make_user(Role.ASSESSOR, organisation=centre, first_name="Alex", last_name="Morgan")
    bea = make_user(Role.ASSESSOR, organisation=centre, first_name="Bea", last_name="Khan")
    employ(register(worker, regulator), leeds)
    candidate = services.nominate(manager=manager, user=worker, level="practitioner", organisation=leeds)
    map_all(candidate, manager)
    services.endorse(candidate=candidate, by=manager, reason="Ready")
    candidate = at_observation(candidate)
    services.create_session(
        kind=AssessmentSession.Kind.CENTRE,
        venue=centre,
        address="Room 2",
        date=datetime.date(2027, 3, 3),
        slot=AssessmentSession.Slot.MORNING,
        capacity=3,
        assessor=alex,
        by=regulator,
    )

    # The candidate books, asking for a reasonable adjustment.
    sign_in(page, worker.email, TEST_PASSWORD)
    page.visit("/accreditation/")
    _go(page, page.get_by_role("link", name="Open your Approved Child and Family Practitioner candidacy"))
    _go(page, page.get_by_role("link", name="Book your practice observation"))
    page.get_by_label("Wednesday 3 March 2027", exact=False).check()
    page.get_by_label("Reasonable adjustments you need (optional)").fill("A ground-floor room, please.")
    _go(page, page.get_by_role("button", name="Book this session"))
    assert "Practice observation booked" in page.inner_text("h1")
    page.screenshot(path="/tmp/observation-1-booked.png", full_page=True)

    # On the day the assessor signs in with their authenticator, checks the candidate in and scores.
    time_machine.move_to(THE_DAY, tick=True)
    page.context.clear_cookies()
    sign_in(page, alex.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.visit("/")
    _go(page, page.get_by_role("link", name="Check in Sam Okafor"))
    assert "A ground-floor room, please." in page.inner_text("main")
    page.get_by_label("I have seen photo ID that matches the candidate").check()
    page.get_by_label("The registration number matches the register").check()
    page.get_by_label("The candidate consents to the observation being recorded").check()
    _go(page, page.get_by_role("button", name="Check in and start scoring"))
    assert "Score Sam Okafor" in page.inner_text("h1")
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet held upright
    _score(page, 1, 5, "3 – Met")
    page.get_by_label("Evidence for relationships and effective direct work").fill("Warm, clear with the child.")
    page.get_by_text("Draft saved at").wait_for()
    page.reload()
    page.wait_for_load_state()
    page.check()
    groups = page.locator("form#scoresheet fieldset")
    assert all(groups.nth(i).get_by_label("3 – Met", exact=True).is_checked() for i in range(5))
    assert page.get_by_label("Evidence for relationships and effective direct work").input_value() == (
        "Warm, clear with the child."
    )
    page.screenshot(path="/tmp/observation-2-scoresheet.png", full_page=True)
    _score(page, 6, 9, "3 – Met")
    _score(page, 10, 10, "2 – Partly met")  # 32 of 44 points: near the pass line
    page.locator("#reflection-3").check()
    page.get_by_label("Pass", exact=True).check()
    page.get_by_label("Summary of your judgement").fill("Sound practice; organisational context thin.")
    _go(page, page.get_by_role("button", name="Submit scores"))
    assert "They are locked" in page.inner_text("main")
    observation = Observation.objects.get(candidate=candidate)
    assert observation.status == "second_marking"

    # The second assessor scores blind and disagrees.
    page.context.clear_cookies()
    sign_in(page, bea.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.visit("/")
    _go(page, page.get_by_role("link", name="Score Sam Okafor"))
    assert "scoring blind" in page.inner_text("main")
    assert "Warm, clear with the child." not in page.content()
    _score(page, 1, 10, "2 – Partly met")
    page.locator("#reflection-2").check()
    page.get_by_label("Not yet passed", exact=True).check()
    _go(page, page.get_by_role("button", name="Submit scores"))
    observation.refresh_from_db()
    assert observation.status == "moderation"
    assert Scoresheet.objects.filter(observation=observation, status="submitted").count() == 2

    # A moderator (regulator staff, in their own browser: they sign in once) compares both and resolves.
    staff_context, staff = _open(browser, live_server)
    sign_in(staff, regulator.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    staff.visit("/")
    _go(staff, staff.get_by_role("link", name="Practice observation moderation"))
    _go(staff, staff.get_by_role("link", name="Moderate Sam Okafor"))
    assert "Warm, clear with the child." in staff.inner_text("main")
    staff.screenshot(path="/tmp/observation-3-moderation.png", full_page=True)
    staff.get_by_label("Passed", exact=True).check()
    staff.get_by_label("Your reasons").fill("The first assessor's evidence notes show each domain met.")
    _go(staff, staff.get_by_role("button", name="Record moderation"))
    assert "Moderation recorded: passed" in staff.inner_text("main")
    _go(staff, staff.get_by_role("link", name="Assessor calibration"))
    assert "Alex Morgan" in staff.inner_text("main") and "Bea Khan" in staff.inner_text("main")

    # The candidate sees the result and stands at the decision stage.
    page.context.clear_cookies()
    sign_in(page, worker.email, TEST_PASSWORD)
    page.visit("/accreditation/")
    _go(page, page.get_by_role("link", name="Open your Approved Child and Family Practitioner candidacy"))
    main = page.inner_text("main")
    assert "Passed" in main and "The first assessor's evidence notes show each domain met." in main
    page.screenshot(path="/tmp/observation-4-candidate.png", full_page=True)
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.DECISION and candidate.observation_passed_at is not None

    # Regulator staff confirm; the worker makes the certificate while the page shows its progress.
    staff.visit("/")
    _go(staff, staff.get_by_role("link", name="Decisions to confirm"))
    _go(staff, staff.get_by_role("link", name="Review and confirm Sam Okafor"))
    staff.get_by_label("Why you are confirming this accreditation").fill("Every stage passed, moderation recorded.")
    staff.get_by_role("button", name="Confirm accreditation").click()
    staff.wait_for_load_state()
    assert staff.locator("progress#job-progress").is_visible()
    staff.get_by_role("heading", name="Ready").wait_for(timeout=60_000)
    staff.check()
    pdf = _download(staff, "Download certificate-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    staff.visit("/")
    _go(staff, staff.get_by_role("link", name="Accreditations and certificates"))
    _go(staff, staff.get_by_role("link", name="Sam Okafor"))
    code = staff.locator("code").first.inner_text()
    assert "Sam Okafor" in text and "Approved Child and Family Practitioner" in text and code in text
    verify_href = staff.get_by_role("link", name="Verification page", exact=True).get_attribute("href")
    credential = _download(staff, "Download the signed credential").decode()

    # Anyone can check both without signing in; after revocation both say revoked.
    public_context, public = _open(browser, live_server)
    public.visit(verify_href)
    assert "Valid accreditation" in public.inner_text("main") and "Sam Okafor" in public.inner_text("main")
    assert "Valid credential" in _check_credential(public, credential)
    _go(staff, staff.get_by_role("link", name="Revoke this accreditation"))
    staff.get_by_label("Why the accreditation is revoked").fill("Removed from the register after a hearing.")
    _go(staff, staff.get_by_role("button", name="Revoke accreditation"))
    public.visit(verify_href)
    assert "This accreditation has been revoked" in public.inner_text("main")
    assert "This credential has been revoked" in _check_credential(public, credential)
    public.screenshot(path="/tmp/observation-5-revoked.png", full_page=True)
    staff_context.close()
    public_context.close()
