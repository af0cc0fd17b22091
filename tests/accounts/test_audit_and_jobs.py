import csv
import io

import pytest
from django.core import mail

from accounts import services
from accounts.jobs import JobContext, job_handler, start_job
from accounts.models import AuditEvent, Job, Organisation, Role
from accounts.notifications import notify
from tests.factories import LocalAuthorityFactory, make_user

pytestmark = pytest.mark.django_db


def test_granting_and_ending_a_role_is_audited_with_who_and_why():
    regulator = make_user(Role.REGULATOR_STAFF)
    person = make_user()
    council = LocalAuthorityFactory()
    membership = services.grant_membership(
        user=person, organisation=council, role=Role.WORKFORCE_LEAD, by=regulator, reason="New workforce lead"
    )
    services.end_membership(membership=membership, by=regulator, reason="Left the council")
    events = list(AuditEvent.objects.for_object(person).order_by("occurred_at", "id"))
    assert [e.action for e in events] == ["membership_granted", "membership_ended"]
    assert all(e.actor == regulator and e.actor_label == regulator.email for e in events)
    assert events[1].reason == "Left the council"
    assert events[1].from_state == Role.WORKFORCE_LEAD


def test_ending_a_role_needs_a_reason_and_changes_nothing_without_one():
    person = make_user(Role.SOCIAL_WORKER)
    membership = person.active_memberships[0]
    with pytest.raises(services.ServiceError, match="Say why"):
        services.end_membership(membership=membership, by=None, reason="  ")
    membership.refresh_from_db()
    assert membership.ended_on is None
    assert not AuditEvent.objects.filter(action="membership_ended").exists()


def test_a_role_cannot_be_ended_twice():
    person = make_user(Role.SOCIAL_WORKER)
    membership = person.active_memberships[0]
    services.end_membership(membership=membership, by=None, reason="Left")
    with pytest.raises(services.ServiceError, match="already ended"):
        services.end_membership(membership=membership, by=None, reason="Left again")


def test_audit_events_cannot_be_changed_or_deleted():
    event = services.record_event(make_user(), "checked", by=None, reason="because")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(reason="rewritten")


def test_history_page_shows_each_change_with_who_and_why(client):
    regulator = make_user(Role.REGULATOR_STAFF)
    person = make_user(Role.SOCIAL_WORKER)
    services.end_membership(membership=person.active_memberships[0], by=regulator, reason="Moved to a trust")
    client.force_login(regulator)
    body = client.get(f"/history/accounts/user/{person.pk}/").content.decode()
    assert "Membership ended" in body
    assert "Moved to a trust" in body
    assert regulator.email in body


def test_profile_form_with_every_field_wrong_changes_nothing(client):
    person = make_user(Role.SOCIAL_WORKER, first_name="Sam", last_name="Okafor")
    client.force_login(person)
    response = client.post("/account/", {"first_name": "", "last_name": "x" * 200})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert body.count('class="govuk-error-message"') == 2
    assert 'href="#id_first_name"' in body and 'href="#id_last_name"' in body
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Sam", "Okafor")
    assert not AuditEvent.objects.filter(action="profile_updated").exists()


def test_profile_change_is_saved_and_audited(client):
    person = make_user(Role.SOCIAL_WORKER, first_name="Sam", last_name="Okafor")
    client.force_login(person)
    client.post("/account/", {"first_name": "Samuel", "last_name": "Okafor"})
    person.refresh_from_db()
    assert person.first_name == "Samuel"
    event = AuditEvent.objects.get(action="profile_updated")
    assert event.changes == {"first_name": ["Sam", "Samuel"]}


def test_audit_export_job_shows_progress_and_produces_a_safe_csv(client, django_capture_on_commit_callbacks):
    regulator = make_user(Role.REGULATOR_STAFF)
    services.record_event(regulator, "noted", by=regulator, reason='=HYPERLINK("http://evil")')
    client.force_login(regulator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/audit/", {"since": ""})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    waiting = client.get(f"/jobs/{job.pk}/").content.decode()
    # Kept up to date by a script, never a timed refresh (WCAG 2.2.1); a link does it without JavaScript.
    assert '<meta http-equiv="refresh"' not in waiting and "js/job-progress.js" in waiting
    assert '<progress id="job-progress"' in waiting and 'value="0"' in waiting
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    done = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "js/job-progress.js" not in done
    assert "Download audit-log.csv" in done
    download = client.get(f"/jobs/{job.pk}/download/")
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "When"
    assert any(row[8] == '\'=HYPERLINK("http://evil")' for row in rows[1:])


def test_audit_export_with_a_bad_date_is_refused_and_starts_nothing(client):
    client.force_login(make_user(Role.REGULATOR_STAFF))
    response = client.post("/audit/", {"since": "31/31/2026"})
    assert "Events on or after must be a real date" in response.content.decode()
    assert not Job.objects.exists()


@job_handler("test_progress")
def _halfway_then_fail(context: JobContext):
    context.progress(50, "Half done")
    if context.params.get("fail"):
        raise services.ServiceError("The file had no rows.")


def test_job_progress_is_visible_while_running_and_errors_are_shown(client, django_capture_on_commit_callbacks):
    person = make_user(Role.SOCIAL_WORKER)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="test_progress", title="Test", by=person, params={"fail": True})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.progress == 50 and job.message == "Half done"
    client.force_login(person)
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "The file had no rows." in body
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT="application/json").json() == {
        "status": "failed",
        "progress": 50,
        "message": "Half done",
        "waiting_for_broker": False,
        "stalled": False,
    }


def test_a_redelivered_job_message_does_not_run_a_finished_job_again(django_capture_on_commit_callbacks):
    from accounts.jobs import run

    person = make_user(Role.SOCIAL_WORKER)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="test_progress", title="Test", by=person)
    run(str(job.pk))
    job.refresh_from_db()
    assert job.attempts == 1 and job.status == Job.Status.SUCCEEDED


def test_unknown_job_kind_is_refused():
    with pytest.raises(services.ServiceError):
        start_job(kind="nope", title="x", by=make_user())
    assert not Job.objects.exists()


def test_tasks_are_acks_late_with_time_limits(settings):
    from accounts.tasks import run_job, send_email

    assert run_job.acks_late and send_email.acks_late
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_notifications_are_sent_by_the_worker_after_commit(django_capture_on_commit_callbacks, tmp_path, settings):
    settings.TEMPLATES[0]["DIRS"].append(tmp_path)
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "hello.txt").write_text("Hello {{ name }}\nYour registration is due.\n")
    from django.template import engines

    engines.__dict__.pop("templates", None)
    engines._engines = {}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(to="sam@example.com", template="hello", context={"name": "Sam"})
    assert mail.outbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert mail.outbox[0].subject == "Hello Sam"
    assert mail.outbox[0].body == "Your registration is due.\n"


def test_changes_made_in_the_admin_are_audited_and_nothing_can_be_deleted(client):
    regulator = make_user(Role.REGULATOR_STAFF)
    council = LocalAuthorityFactory(name="Old name")
    client.force_login(regulator)
    url = f"/admin/accounts/organisation/{council.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k not in ("id",)}
    data.update(
        {
            "name": "New name",
            "region": council.region_id,
            "closed_on": "",
            "employer_type": "",
            "ons_codes-TOTAL_FORMS": "0",
            "ons_codes-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    council.refresh_from_db()
    assert council.name == "New name"
    event = AuditEvent.objects.for_object(council).get(action="changed_by_admin")
    assert event.actor == regulator and event.changes["name"] == "New name"
    assert client.post(f"/admin/accounts/organisation/{council.pk}/delete/", {"post": "yes"}).status_code == 403


def test_an_la_number_must_be_three_digits_in_the_admin(client):
    client.force_login(make_user(Role.REGULATOR_STAFF))
    response = client.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "Bad council",
            "kind": "local_authority",
            "la_number": "12",
            "is_active": "on",
            "ons_codes-TOTAL_FORMS": "0",
            "ons_codes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "organisation_la_number_only_for_local_authorities" in str(response.context["adminform"].form.errors)
    assert not Organisation.objects.filter(name="Bad council").exists()
