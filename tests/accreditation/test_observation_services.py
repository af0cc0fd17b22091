"""Practice observation: booking, the day's checks, scoring, conflicts of interest, second marking, moderation."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Membership, Role
from accounts.services import ServiceError
from accreditation import selectors, services
from accreditation.models import Booking, Candidate, Observation, Recommendation, Scoresheet
from accreditation.selectors import observation as obs_selectors
from accreditation.services import observation as obs_services
from tests.factories import make_user

from .conftest import employ
from .observation_helpers import NO_SAMPLE, SAMPLE, assessor, at_observation, fill, on_the_day, session

pytestmark = pytest.mark.django_db


# --- Booking ------------------------------------------------------------------------------------------------------


def test_candidate_books_a_session_with_adjustments(candidate, regulator, alex):
    s = session(regulator, alex)
    booking = services.book_session(candidate=candidate, session=s, by=candidate.user, adjustments="A quiet room")
    assert booking.status == Booking.Status.BOOKED and booking.adjustments == "A quiet room"
    assert AuditEvent.objects.filter(action="observation_booked", object_id=str(candidate.pk)).exists()


def test_booking_before_the_observation_stage_is_refused(endorsed, regulator, alex):
    with pytest.raises(ServiceError, match="passed the knowledge assessment"):
        services.book_session(candidate=endorsed, session=session(regulator, alex), by=endorsed.user)


def test_only_the_candidate_can_book(candidate, regulator, alex, manager):
    with pytest.raises(ServiceError, match="Only the candidate"):
        services.book_session(candidate=candidate, session=session(regulator, alex), by=manager)


def test_a_full_session_refuses_another_booking(candidate, regulator, alex, leeds, manager):
    s = session(regulator, alex, capacity=1)
    services.book_session(candidate=candidate, session=s, by=candidate.user)
    other = _second_candidate(leeds, manager, regulator)
    with pytest.raises(ServiceError, match="full"):
        services.book_session(candidate=other, session=s, by=other.user)


def test_cancel_and_rebook_keep_the_history(candidate, regulator, alex):
    first = services.book_session(candidate=candidate, session=session(regulator, alex), by=candidate.user)
    with pytest.raises(ServiceError, match="already have a session"):
        services.book_session(candidate=candidate, session=session(regulator, alex, days=9), by=candidate.user)
    services.cancel_booking(booking=first, by=candidate.user, reason="Ill")
    second = services.book_session(candidate=candidate, session=session(regulator, alex, days=9), by=candidate.user)
    statuses = dict(candidate.bookings.values_list("pk", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "booked"}
    assert Booking.objects.get(pk=first.pk).cancelled_reason == "Ill"


def test_cancelling_needs_a_reason_and_an_open_booking(candidate, regulator, alex):
    booking = services.book_session(candidate=candidate, session=session(regulator, alex), by=candidate.user)
    with pytest.raises(ServiceError, match="Say why"):
        services.cancel_booking(booking=booking, by=candidate.user, reason=" ")
    services.cancel_booking(booking=booking, by=candidate.user, reason="Clash")
    with pytest.raises(ServiceError, match="Only a booked place"):
        services.cancel_booking(booking=booking, by=candidate.user, reason="Again")


def test_booking_twice_quickly_gives_one_booking(candidate, regulator, alex):
    s = session(regulator, alex)
    a = services.book_session(candidate=candidate, session=s, by=candidate.user)
    b = services.book_session(candidate=candidate, session=s, by=candidate.user)
    assert a.pk == b.pk and candidate.bookings.count() == 1


def test_past_sessions_cannot_be_booked(candidate, regulator, alex):
    s = on_the_day(session(regulator, alex))
    with pytest.raises(ServiceError, match="from tomorrow"):
        services.book_session(candidate=candidate, session=s, by=candidate.user)


# --- Conflict of interest -----------------------------------------------------------------------------------------


def test_assessor_from_the_candidates_employer_is_never_offered_or_booked(candidate, regulator, leeds):
    conflicted = assessor("carl@centre.example")
    Membership.objects.create(user=conflicted, organisation=leeds, role="line_manager")
    s = session(regulator, conflicted)
    assert s not in obs_selectors.open_sessions_for(candidate)
    with pytest.raises(ServiceError, match="not open to you"):
        services.book_session(candidate=candidate, session=s, by=candidate.user)


def test_membership_ended_within_two_years_is_a_conflict_but_older_is_not(candidate, regulator, leeds):
    recent = assessor("recent@centre.example")
    Membership.objects.create(
        user=recent,
        organisation=leeds,
        role="social_worker",
        started_on=datetime.date(2015, 1, 1),
        ended_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    old = assessor("old@centre.example")
    Membership.objects.create(
        user=old,
        organisation=leeds,
        role="social_worker",
        started_on=datetime.date(2015, 1, 1),
        ended_on=timezone.localdate() - datetime.timedelta(days=365 * 3),
    )
    assert obs_services.has_conflict(recent, candidate)
    assert not obs_services.has_conflict(old, candidate)


def test_register_employment_in_the_last_two_years_is_a_conflict(candidate, regulator, leeds):
    from tests.regulation.conftest import register

    former = assessor("former@centre.example")
    employment = employ(register(former, regulator), leeds)
    employment.started_on = timezone.localdate() - datetime.timedelta(days=1000)
    employment.ended_on = timezone.localdate() - datetime.timedelta(days=100)
    employment.save()
    assert obs_services.has_conflict(former, candidate)
    s = session(regulator, former)
    with pytest.raises(ServiceError, match="not open to you"):
        services.book_session(candidate=candidate, session=s, by=candidate.user)


@pytest.fixture
def line_manager_at_current_employer(candidate, regulator):
    """The candidate's line manager at the council the register shows them working for now; the candidate was
    nominated through another (Leeds)."""
    from tests.factories import LocalAuthorityFactory

    bradford = LocalAuthorityFactory(name="Bradford")
    entry = _entry_of(candidate.user)
    employ(entry, bradford)
    boss = assessor("boss@bradford.example")
    Membership.objects.create(user=boss, organisation=bradford, role="line_manager")
    return boss


def _entry_of(user):
    from regulation.models import RegisterEntry

    return RegisterEntry.objects.get(user=user)


def test_a_line_manager_at_the_candidates_current_employer_is_never_offered_booked_or_able_to_act(
    client, candidate, regulator, line_manager_at_current_employer, alex, bea
):
    boss = line_manager_at_current_employer
    assert candidate.organisation.name != "Bradford"
    assert obs_services.has_conflict(boss, candidate)
    s = session(regulator, boss)
    assert s not in obs_selectors.open_sessions_for(candidate)
    with pytest.raises(ServiceError, match="not open to you"):
        services.book_session(candidate=candidate, session=s, by=candidate.user)
    # A session booked with another assessor and later handed to the manager: they cannot check the candidate in.
    other = session(regulator, alex, days=8)
    booking = services.book_session(candidate=candidate, session=other, by=candidate.user)
    on_the_day(other)
    type(other).objects.filter(pk=other.pk).update(assessor=boss)
    booking.refresh_from_db()
    with pytest.raises(ServiceError, match="conflict of interest"):
        services.check_in(booking=booking, by=boss, photo_id=True, registration_number=True, recording_consent=True)
    type(other).objects.filter(pk=other.pk).update(assessor=alex)
    # Checked in and scored by another: the manager is never a second assessor, nor can they see or score the sheet.
    sheet = services.check_in(
        booking=booking, by=alex, photo_id=True, registration_number=True, recording_consent=True
    ).scoresheets.get(marker="first")
    assert boss not in obs_services.eligible_second_assessors(sheet.observation)
    sheet.assessor = boss  # as if given to them before the conflict was known
    sheet.save(update_fields=["assessor"])
    with pytest.raises(ServiceError, match="conflict of interest"):
        fill(sheet, boss, 3)
    client.force_login(boss)
    assert client.get(f"/accreditation/assessor/scoresheets/{sheet.pk}/").status_code == 404
    assert list(obs_selectors.assessor_work(boss)["to_score"]) == []


def test_whoever_nominated_the_candidate_is_in_conflict(candidate, manager):
    assert candidate.started_by_id == manager.pk
    assert obs_services.has_conflict(manager, candidate)


def test_assessor_who_joins_the_employer_later_cannot_score(sheet, alex, candidate):
    Membership.objects.create(user=alex, organisation=candidate.organisation, role="line_manager")
    alex.__dict__.pop("active_memberships", None)
    with pytest.raises(ServiceError, match="conflict of interest"):
        fill(sheet, alex, 3)


# --- The day and scoring ------------------------------------------------------------------------------------------


def test_check_in_needs_id_registration_and_consent(candidate, regulator, alex):
    s = session(regulator, alex)
    booking = services.book_session(candidate=candidate, session=s, by=candidate.user)
    with pytest.raises(ServiceError, match="on the day"):
        services.check_in(booking=booking, by=alex, photo_id=True, registration_number=True, recording_consent=True)
    on_the_day(s)
    with pytest.raises(ServiceError, match="photo ID"):
        services.check_in(booking=booking, by=alex, photo_id=False, registration_number=True, recording_consent=True)
    with pytest.raises(ServiceError, match="consent"):
        services.check_in(booking=booking, by=alex, photo_id=True, registration_number=True, recording_consent=False)


def test_only_the_sessions_assessor_checks_in(candidate, regulator, alex, bea):
    s = on_the_day(session(regulator, alex))
    Booking.objects.create(session=s, candidate=candidate, booked_by=candidate.user)
    booking = candidate.bookings.get()
    with pytest.raises(ServiceError, match="session's assessor"):
        services.check_in(booking=booking, by=bea, photo_id=True, registration_number=True, recording_consent=True)


def test_check_in_starts_a_draft_with_one_row_per_domain(sheet, candidate):
    assert sheet.status == Scoresheet.Status.DRAFT
    assert sheet.scores.count() == candidate.standard.domains.count() == 10


def test_draft_keeps_partial_scores(sheet, alex):
    key = sheet.scores.first().domain_key
    services.save_draft(scoresheet=sheet, by=alex, scores={key: {"score": "2", "evidence": "Good rapport"}})
    row = sheet.scores.get(domain_key=key)
    assert (row.score, row.evidence) == (2, "Good rapport")
    assert sheet.scores.filter(score__isnull=True).count() == 9


def test_scores_outside_the_scale_are_refused(sheet, alex):
    key = sheet.scores.first().domain_key
    with pytest.raises(ServiceError, match="1 to 4"):
        services.save_draft(scoresheet=sheet, by=alex, scores={key: {"score": 5}})
    with pytest.raises(ServiceError, match="not in this level"):
        services.save_draft(scoresheet=sheet, by=alex, scores={"zz": {"score": 2}})


def test_another_assessor_cannot_save_or_submit(sheet, bea):
    with pytest.raises(ServiceError, match="not yours"):
        fill(sheet, bea, 3)
    with pytest.raises(ServiceError, match="not yours"):
        services.submit_scores(scoresheet=sheet, by=bea, rng=NO_SAMPLE)


def test_submitting_an_incomplete_sheet_is_refused(sheet, alex):
    with pytest.raises(ServiceError, match="Score every domain"):
        services.submit_scores(scoresheet=sheet, by=alex, rng=NO_SAMPLE)


def test_a_clear_pass_moves_the_candidate_to_the_decision_stage(sheet, alex, candidate):
    fill(sheet, alex, 4)
    services.submit_scores(scoresheet=sheet, by=alex, rng=NO_SAMPLE)
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.DECISION and candidate.observation_passed_at is not None
    observation = sheet.observation
    observation.refresh_from_db()
    assert (observation.status, observation.outcome) == ("decided", "passed")
    event = AuditEvent.objects.get(action="observation_passed", object_id=str(candidate.pk))
    assert (event.from_state, event.to_state) == ("observation", "decision")
    assert not selectors.open_moderation_exists(candidate)


def test_a_clear_fail_keeps_the_candidate_at_observation_and_they_can_book_again(sheet, alex, candidate, regulator):
    fill(sheet, alex, 2, Recommendation.NOT_PASS)
    services.submit_scores(scoresheet=sheet, by=alex, rng=NO_SAMPLE)
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.OBSERVATION
    assert sheet.observation.__class__.objects.get(pk=sheet.observation_id).outcome == "not_passed"
    services.book_session(candidate=candidate, session=session(regulator, alex, days=30), by=candidate.user)


def test_submitted_scores_are_locked(sheet, alex):
    fill(sheet, alex, 4)
    services.submit_scores(scoresheet=sheet, by=alex, rng=NO_SAMPLE)
    with pytest.raises(ServiceError, match="can no longer be changed"):
        fill(sheet, alex, 1)


def test_double_submission_gives_one_result(sheet, alex):
    fill(sheet, alex, 4)
    a = services.submit_scores(scoresheet=sheet, by=alex, rng=NO_SAMPLE)
    b = services.submit_scores(scoresheet=sheet, by=alex, rng=NO_SAMPLE)
    assert a.submitted_at == b.submitted_at
    assert AuditEvent.objects.filter(action="scores_submitted").count() == 1
    assert AuditEvent.objects.filter(action="observation_passed").count() == 1


# --- Second marking and moderation ---------------------------------------------------------------------------------


def _borderline(sheet, alex):
    """Nine domains met, one partly met: 32 of 44 points, 73 %, within four points of the 70 % line."""
    fill(sheet, alex, 3)
    key = sheet.scores.first().domain_key
    services.save_draft(
        scoresheet=sheet,
        by=alex,
        scores={key: {"score": 2, "evidence": "Thin"}},
        reflection_mark=3,
        recommendation=Recommendation.PASS,
    )
    return services.submit_scores(scoresheet=sheet, by=alex, rng=NO_SAMPLE)


def test_a_borderline_result_goes_to_a_second_assessor_blind(sheet, alex, bea, candidate):
    _borderline(sheet, alex)
    observation = Observation.objects.get(pk=sheet.observation_id)
    assert observation.status == "second_marking" and observation.moderation_reasons == ["borderline"]
    second = observation.scoresheets.get(marker="second")
    assert second.assessor == bea
    assert not second.scores.exclude(score__isnull=True).exists()  # blind: nothing of the first's is copied
    assert selectors.open_moderation_exists(candidate)
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.OBSERVATION


def test_the_random_sample_sends_a_clear_result_to_second_marking(sheet, alex, bea):
    fill(sheet, alex, 4)
    services.submit_scores(scoresheet=sheet, by=alex, rng=SAMPLE)
    observation = Observation.objects.get(pk=sheet.observation_id)
    assert observation.moderation_reasons == ["random_sample"]


def test_the_sample_rate_is_a_setting(sheet, alex, bea, settings):
    settings.ACCREDITATION_MODERATION_SAMPLE_PERCENT = 0
    fill(sheet, alex, 4)
    services.submit_scores(scoresheet=sheet, by=alex, rng=SAMPLE)
    assert Observation.objects.get(pk=sheet.observation_id).status == "decided"


def test_a_recommendation_against_the_scores_goes_to_second_marking(sheet, alex, bea):
    fill(sheet, alex, 4, Recommendation.NOT_PASS)
    services.submit_scores(scoresheet=sheet, by=alex, rng=NO_SAMPLE)
    assert Observation.objects.get(pk=sheet.observation_id).moderation_reasons == ["recommendation_differs_from_scores"]


def test_a_conflicted_assessor_is_never_the_second_marker(sheet, alex, candidate):
    conflicted = assessor("conflicted@centre.example")
    Membership.objects.create(user=conflicted, organisation=candidate.organisation, role="social_worker")
    _borderline(sheet, alex)
    observation = Observation.objects.get(pk=sheet.observation_id)
    assert not observation.scoresheets.filter(marker="second").exists()  # nobody free: it waits


def test_regulator_assigns_a_second_assessor_when_none_was_free(sheet, alex, regulator):
    _borderline(sheet, alex)
    observation = Observation.objects.get(pk=sheet.observation_id)
    with pytest.raises(ServiceError, match="must not be the first"):
        services.assign_second_assessor(observation=observation, assessor=alex, by=regulator)
    later = assessor("later@centre.example")
    second = services.assign_second_assessor(observation=observation, assessor=later, by=regulator)
    assert second.marker == "second"


def test_agreeing_second_marker_makes_the_result_final(sheet, alex, bea, candidate):
    _borderline(sheet, alex)
    second = Scoresheet.objects.get(observation=sheet.observation_id, marker="second")
    fill(second, bea, 3)
    services.submit_scores(scoresheet=second, by=bea)
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.DECISION
    assert not selectors.open_moderation_exists(candidate)


def test_disagreement_goes_to_a_moderator_who_resolves_with_reasons(sheet, alex, bea, candidate, regulator):
    _borderline(sheet, alex)
    second = Scoresheet.objects.get(observation=sheet.observation_id, marker="second")
    fill(second, bea, 2, Recommendation.NOT_PASS)
    services.submit_scores(scoresheet=second, by=bea)
    observation = Observation.objects.get(pk=sheet.observation_id)
    assert observation.status == "moderation" and "markers_disagree" in observation.moderation_reasons
    assert selectors.open_moderation_exists(candidate)
    with pytest.raises(ServiceError, match="Give your reasons"):
        services.resolve_moderation(observation=observation, by=regulator, outcome="passed", reason="")
    with pytest.raises(ServiceError, match="Only a moderator"):
        services.resolve_moderation(observation=observation, by=bea, outcome="passed", reason="I think so")
    services.resolve_moderation(
        observation=observation, by=regulator, outcome="passed", reason="The evidence notes support met."
    )
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.DECISION
    assert not selectors.open_moderation_exists(candidate)
    with pytest.raises(ServiceError, match="not waiting for moderation"):
        services.resolve_moderation(observation=observation, by=regulator, outcome="not_passed", reason="Again")


def test_record_observation_passed_refuses_an_unpassed_observation(sheet, alex, candidate):
    with pytest.raises(ServiceError, match="has not been passed"):
        services.record_observation_passed(candidate=candidate, observation=sheet.observation, by=alex)


# --- Calibration ---------------------------------------------------------------------------------------------------


def test_calibration_counts_exact_and_within_one_point_agreement(sheet, alex, bea):
    _borderline(sheet, alex)  # first: nine 3s, one 2, reflection 3
    second = Scoresheet.objects.get(observation=sheet.observation_id, marker="second")
    fill(second, bea, 3)  # second: all 3s: 10 of 11 marks exact, 11 of 11 within one
    services.submit_scores(scoresheet=second, by=bea)
    figures = {row["name"]: row for row in obs_selectors.calibration()}
    alex_row = figures["Alex Assessor"]
    assert alex_row["all"]["pairs"] == 11
    assert alex_row["all"]["exact_percent"] == round(100 * 10 / 11)
    assert alex_row["all"]["within_one_percent"] == 100
    assert len(alex_row["domains"]) == 11 and len(alex_row["quarters"]) == 1
    keys = [d["key"] for d in alex_row["domains"]]
    assert keys[-1] == "reflection" and keys.index("p2") < keys.index("p10")  # numbered order, not text order
    assert all(d["title"] != d["key"] for d in alex_row["domains"])  # the domains' names, not their keys
    assert [r["name"] for r in obs_selectors.calibration(assessor_id=bea.pk)] == ["Bea Assessor"]


def _second_candidate(leeds, manager, regulator):
    from tests.factories import make_user
    from tests.regulation.conftest import register

    from .conftest import map_all

    user = make_user("social_worker", organisation=leeds, first_name="Ola", last_name="Ade")
    employ(register(user, regulator), leeds)
    c = services.nominate(manager=manager, user=user, level="practitioner", organisation=leeds)
    map_all(c, manager)
    services.endorse(candidate=c, by=manager, reason="Ready")
    return at_observation(c)


def test_no_decision_while_a_moderation_is_open(sheet, alex, bea, candidate, regulator):
    """The decision's own guard, beside the stage check: even a candidate recorded at the decision stage cannot be
    confirmed while their observation waits for a moderator."""
    from accreditation.models import Accreditation
    from accreditation.services import decision

    _borderline(sheet, alex)
    second = Scoresheet.objects.get(observation=sheet.observation_id, marker="second")
    fill(second, bea, 2, Recommendation.NOT_PASS)
    services.submit_scores(scoresheet=second, by=bea)
    Candidate.objects.filter(pk=candidate.pk).update(stage=Candidate.Stage.DECISION)
    with pytest.raises(ServiceError, match="moderation of the practice observation is still open"):
        decision.confirm_accreditation(candidate=candidate, by=regulator, reason="Every stage passed.")
    assert not Accreditation.objects.filter(candidate=candidate).exists()


def test_until_the_result_is_final_the_candidate_and_manager_see_only_that_it_is_being_checked(
    client, sheet, alex, bea, candidate, manager, regulator
):
    _borderline(sheet, alex)
    history = f"/history/accreditation/candidate/{candidate.pk}/"
    for person in (candidate.user, manager):
        client.force_login(person)
        page = client.get(f"/accreditation/candidates/{candidate.pk}/").content.decode()
        assert "Being checked: the result is not final yet" in page and "With a second assessor" not in page
        events = client.get(history).content.decode()
        assert client.get(history).status_code == 200
        assert "second marking" not in events.lower() and "borderline" not in events and bea.email not in events
    client.force_login(regulator)
    assert "With a second assessor" in client.get(f"/accreditation/candidates/{candidate.pk}/").content.decode()
    assert "borderline" in client.get(history).content.decode()


def test_the_confirm_page_shows_the_observation_the_decision_rests_on(client, sheet, alex, candidate, regulator):
    """Every stage and its evidence is on the page that decides: the observation's result, date and markers."""
    fill(sheet, alex, 4)
    services.submit_scores(scoresheet=sheet, by=alex, rng=NO_SAMPLE)
    other = make_user(Role.REGULATOR_STAFF, email="sam@regulator.example")
    client.force_login(other)
    page = client.get(f"/accreditation/staff/decisions/{candidate.pk}/").content.decode()
    observed_on = sheet.observation.booking.session.date
    assert "Observed practice" in page
    assert f"Passed: observed on {observed_on:%-d %B %Y}; first assessor Alex Assessor recommended pass." in page


def test_sessions_are_listed_by_time_of_day(candidate, regulator, alex):
    """9:00 before 11:00 before 13:30, whatever their stored keys sort as."""
    from accreditation.models import AssessmentSession

    day = timezone.localdate() + datetime.timedelta(days=9)
    for slot in ("early_afternoon", "late_morning", "morning"):
        services.create_session(
            kind=AssessmentSession.Kind.CENTRE,
            venue=alex.active_memberships[0].organisation,
            date=day,
            slot=slot,
            capacity=2,
            assessor=alex,
            by=regulator,
        )
    offered = [s.slot for s in obs_selectors.open_sessions_for(candidate) if s.date == day]
    assert offered == ["morning", "late_morning", "early_afternoon"]
