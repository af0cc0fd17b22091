"""Your messages: each person reads what was sent to them; staff see what was sent about a record; a person turns
off reminders they do not need, never decisions."""

from types import SimpleNamespace

import pytest

from accounts import notifications, services
from accounts.models import AuditEvent, Notification, Role, TurnedOffReminder
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db


def _tell(person, about):
    application = SimpleNamespace(first_name=person.first_name, decision_reason="Your qualification is not approved.")
    return notifications.notify(
        to=[person], template="regulation/refused", context={"application": application}, about=about
    )


def test_a_person_reads_their_own_messages_from_their_home_page_and_not_anyone_elses(client):
    person, other = make_user(Role.SOCIAL_WORKER), make_user(Role.SOCIAL_WORKER)
    about = OrganisationFactory()
    [mine] = _tell(person, about)
    [theirs] = _tell(other, about)
    client.force_login(person)
    assert 'href="/messages/"' in client.get("/").content.decode()
    listing = client.get("/messages/").content.decode()
    assert "Your application to register has been refused" in listing and f"/messages/{mine.pk}/" in listing
    assert f"/messages/{theirs.pk}/" not in listing
    page = client.get(f"/messages/{mine.pk}/").content.decode()
    assert "Your qualification is not approved." in page and "/register/application/" in page
    assert client.get(f"/messages/{theirs.pk}/").status_code == 404


def test_staff_see_the_messages_sent_about_a_record_on_its_history_and_others_do_not(client):
    person = make_user(Role.SOCIAL_WORKER)
    regulator = make_user(Role.REGULATOR_STAFF)
    _tell(person, person)
    client.force_login(regulator)
    page = client.get(f"/history/accounts/user/{person.pk}/").content.decode()
    assert "Emails sent about this record" in page and person.email in page
    assert "Your application to register has been refused" in page
    client.force_login(person)
    own = client.get(f"/history/accounts/user/{person.pk}/").content.decode()
    assert "Emails sent about this record" not in own


def test_a_person_turns_off_a_reminder_and_it_is_audited_but_cannot_turn_off_a_decision(client):
    person = make_user(Role.COURSE_LEAD)
    client.force_login(person)
    form = client.get("/messages/reminders/").content.decode()
    assert "Reminders that annual monitoring is due" in form
    assert "regulation/refused" not in form  # decisions are not offered
    keep = [e.template for e in notifications.reminder_events() if e.template != "training/reminder"]
    response = client.post("/messages/reminders/", {"wanted": keep})
    assert response.status_code == 302
    assert list(TurnedOffReminder.objects.filter(user=person).values_list("event", flat=True)) == ["training/reminder"]
    assert AuditEvent.objects.for_object(person).filter(action="reminders_changed").exists()
    with pytest.raises(services.ServiceError):
        services.set_turned_off_reminders(user=person, events={"regulation/refused"}, by=person)
    client.post("/messages/reminders/", {"wanted": [*keep, "training/reminder"]})
    assert not TurnedOffReminder.objects.filter(user=person).exists()


def test_nobody_can_choose_someone_elses_reminders():
    person, other = make_user(), make_user()
    with pytest.raises(services.ServiceError):
        services.set_turned_off_reminders(user=person, events={"training/reminder"}, by=other)


def test_the_messages_list_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    person = make_user(Role.SOCIAL_WORKER)
    for _ in range(5):
        _tell(person, OrganisationFactory())
    client.force_login(person)
    client.get("/messages/")
    with django_assert_max_num_queries(12):
        assert client.get("/messages/").status_code == 200
    assert Notification.objects.filter(recipient=person).count() == 5
