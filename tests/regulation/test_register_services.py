import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent, Role
from accounts.services import ServiceError
from regulation import services
from regulation.models import Application, EntryStatus, Order, RegisterEntry, RegistrationNumber, StatusChange
from tests.factories import make_user

from .conftest import RENEWAL_OPEN, SPRING, add_cpd, apply_for, register

pytestmark = pytest.mark.django_db


def test_approval_assigns_a_unique_sw_number_and_records_who_and_why(worker, regulator, time_machine):
    time_machine.move_to(SPRING, tick=False)
    application = apply_for(worker)
    entry = services.approve_application(application=application, by=regulator, reason="Qualification checked")
    assert entry.registration_number.startswith("SW") and entry.registration_number[2:].isdigit()
    assert entry.status == EntryStatus.REGISTERED
    assert entry.registered_until == datetime.date(2027, 11, 30)
    change = StatusChange.objects.get(entry=entry)
    assert (change.to_status, change.changed_by, change.reason) == ("registered", regulator, "Qualification checked")
    event = AuditEvent.objects.for_object(application).get(action="approved")
    assert event.actor == regulator and event.reason == "Qualification checked"


def test_numbers_are_never_reused_and_the_database_refuses_a_duplicate(worker, regulator):
    first = register(worker, regulator)
    second = register(make_user(Role.SOCIAL_WORKER, first_name="Jo", last_name="Bloggs"), regulator)
    assert first.registration_number != second.registration_number
    assert RegistrationNumber.objects.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntry.objects.filter(pk=second.pk).update(registration_number=first.registration_number)


def test_registered_once_the_window_opened_is_not_asked_to_renew_weeks_later(worker, regulator, time_machine):
    time_machine.move_to(RENEWAL_OPEN, tick=False)
    entry = register(worker, regulator)
    assert entry.registered_until == datetime.date(2028, 11, 30)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"email": "OTHER@example.com", "first_name": "SAM ", "last_name": "okafor"}, "name and date of birth"),
        ({"first_name": "Different", "last_name": "Person"}, "email address"),
    ],
)
def test_duplicate_applications_are_caught(worker, regulator, change, message):
    apply_for(worker)
    other = make_user(None, email="other@example.com")
    with pytest.raises(ServiceError, match=message):
        apply_for(other, **({"email": worker.email} | change if "email" not in change else change))
    assert Application.objects.count() == 1


def test_a_registered_person_cannot_apply_again(entry, worker):
    with pytest.raises(ServiceError, match="already on the register"):
        apply_for(worker, email="new@example.com")


def test_refusal_needs_a_reason_and_emails_the_applicant(worker, regulator):
    application = apply_for(worker)
    with pytest.raises(ServiceError, match="reasons"):
        services.refuse_application(application=application, by=regulator, reason="  ")
    services.refuse_application(application=application, by=regulator, reason="Course not recognised")
    application.refresh_from_db()
    assert application.status == Application.Status.REFUSED
    assert not RegisterEntry.objects.exists()


def test_more_information_round_trip(worker, regulator, django_capture_on_commit_callbacks):
    application = apply_for(worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_more_information(application=application, by=regulator, request="Send your transcript")
    assert "more information" in mail.outbox[0].subject.lower()
    with pytest.raises(ServiceError):
        services.approve_application(application=application, by=regulator, reason="ok")
    services.respond_to_request(application=application, by=worker, response="Attached")
    entry = services.approve_application(application=application, by=regulator, reason="Transcript received")
    assert entry.pk


def test_renewal_needs_two_cpd_records_with_a_peer_reflection_and_an_open_window(entry, worker, time_machine):
    add_cpd(entry, worker)
    with pytest.raises(ServiceError, match="Renewal opens on 1 September 2027"):
        services.renew_registration(entry=entry, by=worker)
    time_machine.move_to(RENEWAL_OPEN, tick=False)
    with pytest.raises(ServiceError, match="at least 2 CPD records"):
        services.renew_registration(entry=entry, by=worker)
    add_cpd(entry, worker, peer="")
    renewal = services.renew_registration(entry=entry, by=worker)
    entry.refresh_from_db()
    assert entry.registered_until == datetime.date(2028, 11, 30)
    assert (renewal.cpd_count, renewal.peer_reflection_count, renewal.late) == (2, 1, False)


def test_renewal_without_a_peer_reflection_is_refused(entry, worker, time_machine):
    time_machine.move_to(RENEWAL_OPEN, tick=False)
    add_cpd(entry, worker, peer="")
    add_cpd(entry, worker, peer="")
    with pytest.raises(ServiceError, match="discussed with a peer"):
        services.renew_registration(entry=entry, by=worker)


def test_renewal_numbers_are_settings(entry, worker, time_machine, settings):
    settings.REGISTER_RENEWAL_MIN_CPD = 1
    settings.REGISTER_RENEWAL_MIN_PEER_REFLECTIONS = 0
    time_machine.move_to(RENEWAL_OPEN, tick=False)
    add_cpd(entry, worker, peer="")
    services.renew_registration(entry=entry, by=worker)


def test_unrenewed_registration_lapses_after_the_grace_period_with_reminders(
    entry, worker, time_machine, django_capture_on_commit_callbacks
):
    from regulation import tasks

    time_machine.move_to(RENEWAL_OPEN, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_renewal_reminders.delay().get() == 1
        assert tasks.send_renewal_reminders.delay().get() == 0  # idempotent
    time_machine.move_to(datetime.datetime(2027, 12, 10, 10, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_renewal_reminders.delay()
        assert tasks.lapse_unrenewed_registrations.delay().get() == 0  # still inside the 21-day grace period
    assert [m.subject.split(":")[0] for m in mail.outbox][-1].startswith("Renew now")
    time_machine.move_to(datetime.datetime(2027, 12, 22, 10, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.lapse_unrenewed_registrations.delay().get() == 1
        assert tasks.lapse_unrenewed_registrations.delay().get() == 0
    entry.refresh_from_db()
    assert entry.status == EntryStatus.LAPSED
    change = entry.status_changes.first()
    assert change.changed_by is None and "grace period" in change.reason
    assert mail.outbox[-1].subject == "Your registration has lapsed"
    with pytest.raises(ServiceError, match="lapsed"):
        services.renew_registration(entry=entry, by=worker)


def test_late_renewal_inside_the_grace_period_is_allowed(entry, worker, time_machine):
    add_cpd(entry, worker)
    add_cpd(entry, worker, peer="")
    time_machine.move_to(datetime.datetime(2027, 12, 15, 10, tzinfo=datetime.UTC), tick=False)
    renewal = services.renew_registration(entry=entry, by=worker)
    assert renewal.late
    assert services.lapse_unrenewed() == 0


def _case(entry, regulator):
    return services.open_case(
        entry=entry, by=regulator, concern="Missed statutory visits", source="Employer", received_on=entry.registered_on
    )


def test_interim_suspension_suspends_and_expiry_reverts(entry, worker, regulator, time_machine):
    from regulation import tasks

    case = _case(entry, regulator)
    services.move_case_stage(case=case, by=regulator, stage="investigation", note="Needs investigating")
    order = services.make_interim_order(
        case=case,
        by=regulator,
        kind=Order.Kind.INTERIM_SUSPENSION,
        starts_on=datetime.date(2027, 3, 2),
        review_on=datetime.date(2027, 4, 1),
        expires_on=datetime.date(2027, 5, 31),
        reason="Risk to children",
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUSPENDED
    time_machine.move_to(RENEWAL_OPEN, tick=False)
    add_cpd(entry, worker)
    time_machine.move_to(datetime.datetime(2027, 5, 31, 10, tzinfo=datetime.UTC), tick=False)
    tasks.apply_order_expiries.delay()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUSPENDED  # still in force on its last day
    time_machine.move_to(datetime.datetime(2027, 6, 1, 10, tzinfo=datetime.UTC), tick=False)
    tasks.apply_order_expiries.delay()
    tasks.apply_order_expiries.delay()
    entry.refresh_from_db()
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert entry.status == EntryStatus.REGISTERED
    statuses = list(entry.status_changes.order_by("changed_at", "id").values_list("to_status", flat=True))
    assert statuses == ["registered", "suspended", "registered"]


def test_a_suspended_person_cannot_renew(entry, worker, regulator, time_machine):
    case = _case(entry, regulator)
    add_cpd(entry, worker)
    add_cpd(entry, worker)
    services.record_outcome(
        case=case,
        by=regulator,
        outcome="suspension",
        reason="Serious misconduct",
        expires_on=datetime.date(2028, 3, 1),
    )
    time_machine.move_to(RENEWAL_OPEN, tick=False)
    with pytest.raises(ServiceError, match="suspended"):
        services.renew_registration(entry=entry, by=worker)


def test_conditions_outcome_shows_conditions_then_reverts_on_expiry(entry, regulator, time_machine):
    case = _case(entry, regulator)
    services.record_outcome(
        case=case,
        by=regulator,
        outcome="conditions",
        reason="Needs supervision",
        expires_on=datetime.date(2027, 6, 30),
        conditions=["Weekly supervision", "No lone visits"],
    )
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.status == EntryStatus.REGISTERED_WITH_CONDITIONS
    assert case.stage == "closed" and case.outcome == "conditions"
    assert entry.conditions.count() == 2
    time_machine.move_to(datetime.datetime(2027, 7, 1, 10, tzinfo=datetime.UTC), tick=False)
    services.apply_order_expiries()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REGISTERED


def test_removal_is_permanent_and_needs_reasons(entry, regulator):
    case = _case(entry, regulator)
    with pytest.raises(ServiceError, match="reasons"):
        services.record_outcome(case=case, by=regulator, outcome="removal", reason="")
    services.record_outcome(case=case, by=regulator, outcome="removal", reason="Dishonesty")
    services.apply_order_expiries()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED
    with pytest.raises(ServiceError, match="closed"):
        services.move_case_stage(case=case, by=regulator, stage="hearing", note="x")


def test_condition_without_a_case_and_its_revocation(entry, regulator):
    condition = services.add_condition(
        entry=entry,
        by=regulator,
        text="Practise under supervision",
        starts_on=entry.registered_on,
        ends_on=entry.registered_on + datetime.timedelta(days=365),
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REGISTERED_WITH_CONDITIONS
    services.revoke_condition(condition=condition, by=regulator, reason="Appeal allowed")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REGISTERED


def test_annotations_one_open_per_kind(entry, regulator):
    services.add_annotation(entry=entry, by=regulator, kind="amhp", starts_on=entry.registered_on)
    with pytest.raises(ServiceError, match="already has"):
        services.add_annotation(entry=entry, by=regulator, kind="amhp", starts_on=entry.registered_on)


def test_employer_confirms_and_ends_employment_kept_as_history(entry, worker, leeds):
    manager = make_user(Role.LINE_MANAGER, organisation=leeds)
    outsider = make_user(Role.LINE_MANAGER)
    job = services.add_employment(
        entry=entry,
        by=worker,
        employer=leeds,
        role_title="Social worker",
        started_on=entry.registered_on,
        fte=Decimal("0.8"),
        contract="agency",
    )
    entry.refresh_from_db()
    assert entry.current_employer == leeds
    with pytest.raises(ServiceError, match="Only the employer"):
        services.confirm_employment(employment=job, by=outsider)
    services.confirm_employment(employment=job, by=manager)
    services.end_employment(employment=job, by=manager, ended_on=entry.registered_on, reason="Left for another job")
    entry.refresh_from_db()
    job.refresh_from_db()
    assert entry.current_employer is None and job.ended_on == entry.registered_on
    assert entry.employments.count() == 1


def test_direct_work_hours_are_checked_and_totalled(entry, worker):
    from regulation.selectors import direct_work_total

    with pytest.raises(ServiceError, match="no more than 24"):
        services.log_direct_work(
            entry=entry, by=worker, worked_on=entry.registered_on, hours=Decimal("25"), description="x"
        )
    services.log_direct_work(
        entry=entry, by=worker, worked_on=entry.registered_on, hours=Decimal("7.5"), description="Visits"
    )
    services.log_direct_work(
        entry=entry, by=worker, worked_on=entry.registered_on, hours=Decimal("2"), description="Group"
    )
    assert direct_work_total(entry) == Decimal("9.5")


def test_someone_else_cannot_record_cpd_on_an_entry(entry, regulator):
    with pytest.raises(ServiceError, match="your own"):
        add_cpd(entry, regulator)
