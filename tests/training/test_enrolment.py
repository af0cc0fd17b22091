import datetime
from decimal import Decimal

import pytest

from accounts.services import ServiceError
from regulation import services as register_services
from tests.factories import make_user
from training import services
from training.models import Enrolment, Programme

from .conftest import START, at, enrol, register

pytestmark = pytest.mark.django_db


def test_both_programmes_are_seeded_as_data():
    asye = Programme.objects.get(code="asye")
    ecp = Programme.objects.get(code="ecp")
    assert asye.length_months == 12 and ecp.length_months == 24
    assert [p["month"] for p in asye.review_points] == [3, 6, 9, 12]
    assert [p["key"] for p in asye.review_points if p["optional"]] == ["9_months"]
    assert len(asye.standards) == 10 and asye.standards[0] == "Professionalism"
    assert asye.supervision_schedule == [[6, 7], [26, 14], [None, 30]]


def test_a_third_programme_is_data_not_code(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    third = Programme.objects.create(
        code="amhp-early",
        name="Third programme",
        short_name="Third",
        length_months=6,
        available_from=datetime.date(2027, 1, 1),
        review_points=[{"key": "final", "label": "Final", "month": 6, "final": True}],
        standards=["One"],
        supervision_schedule=[[None, 14]],
        caseload_expectation=[[0, 50]],
        funding_milestones=[{"key": "enrolled", "label": "Enrolled", "share": 100, "event": "enrolled"}],
    )
    enrolment = enrol(team, programme=third)
    assert enrolment.end_date == datetime.date(2028, 3, 6)


def test_enrolment_sets_dates_from_programme_and_audits(enrolled):
    assert enrolled.end_date == datetime.date(2028, 9, 6)
    assert enrolled.planned_end_date == enrolled.end_date
    assert enrolled.participant_name == "Sam Okafor"
    assert enrolled.status == Enrolment.Status.ACTIVE
    from accounts.models import AuditEvent

    assert AuditEvent.objects.for_object(enrolled).filter(action="enrolled").exists()


def test_part_time_extends_the_programme_pro_rata(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    enrolment = enrol(team, fte="0.5")
    assert (enrolment.end_date - START).days == 2 * (datetime.date(2028, 9, 6) - START).days
    three_months = enrolment.programme.review_point("3_months")
    assert enrolment.point_due_on(three_months) == START + datetime.timedelta(days=2 * 91)


def test_someone_not_on_the_register_is_refused(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    with pytest.raises(ServiceError, match="not on the register"):
        enrol(team, registration_number="SW999999")
    assert not Enrolment.objects.exists()


def test_someone_already_enrolled_is_refused(enrolled, team):
    with pytest.raises(ServiceError, match="already enrolled"):
        enrol(team, programme=Programme.objects.get(code="ecp"))
    assert Enrolment.objects.count() == 1


def test_someone_qualified_too_long_ago_is_refused(team, regulator, council, time_machine):
    time_machine.move_to(at(START), tick=False)
    old = make_user("social_worker", organisation=council, first_name="Olga", last_name="Older")
    entry = register(old, regulator, qualified_on=datetime.date(2025, 9, 5))
    with pytest.raises(ServiceError, match="more than 2 years before the start date"):
        enrol(team, registration_number=entry.registration_number)


def test_qualified_within_years_is_a_setting(team, regulator, council, time_machine, settings):
    settings.TRAINING_QUALIFIED_WITHIN_YEARS = 3
    time_machine.move_to(at(START), tick=False)
    old = make_user("social_worker", organisation=council, first_name="Olga", last_name="Older")
    entry = register(old, regulator, qualified_on=datetime.date(2025, 9, 5))
    assert enrol(team, registration_number=entry.registration_number).pk


def test_someone_not_practising_is_refused(team, regulator, time_machine):
    time_machine.move_to(at(START), tick=False)
    register_services.remove_voluntarily(entry=team["entry"], by=regulator, reason="Left the profession")
    with pytest.raises(ServiceError, match="cannot practise"):
        enrol(team)


def test_supervisor_must_be_registered(team, council, time_machine):
    time_machine.move_to(at(START), tick=False)
    unregistered = make_user("line_manager", organisation=council)
    with pytest.raises(ServiceError, match="supervisor must be a registered social worker"):
        enrol(team, supervisor=unregistered)


def test_assessor_who_is_line_manager_is_warned_by_default(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    enrolment = enrol(team, assessor=team["coordinator"], line_manager=team["coordinator"])
    assert enrolment.assessor_is_line_manager


def test_assessor_who_is_line_manager_can_be_refused_by_setting(team, time_machine, settings):
    settings.TRAINING_ASSESSOR_IS_LINE_MANAGER = "refuse"
    time_machine.move_to(at(START), tick=False)
    with pytest.raises(ServiceError, match="cannot also be the participant's line manager"):
        enrol(team, assessor=team["coordinator"], line_manager=team["coordinator"])
    assert not Enrolment.objects.exists()


def test_only_the_employers_coordinators_can_enrol(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    with pytest.raises(ServiceError, match="co-ordinators"):
        enrol(team, by=team["supervisor"])


def test_programme_cannot_start_before_it_is_available(team, time_machine):
    time_machine.move_to(at(START), tick=False)
    with pytest.raises(ServiceError, match="starts no earlier"):
        enrol(team, programme=Programme.objects.get(code="ecp"), start=datetime.date(2026, 12, 1))


def test_withdrawal_needs_a_reason_and_frees_the_person(enrolled, team):
    with pytest.raises(ServiceError, match="Say why"):
        services.withdraw(enrolment=enrolled, by=team["coordinator"], reason=" ")
    services.withdraw(enrolment=enrolled, by=team["coordinator"], reason="Moved away")
    enrolled.refresh_from_db()
    assert enrolled.status == "withdrawn"
    assert enrol(team, fte=Decimal("0.8")).pk
