"""Issue 20: the register as its first users met it. Each test failed before its fix."""

import datetime

import pytest

from accounts.models import Role
from regulation import services
from regulation.models import EntryStatus
from tests.factories import make_user

from .conftest import SPRING, register, send_application

pytestmark = pytest.mark.django_db


# --- Item 3: a search with no matches says so --------------------------------------------------------------


def test_public_search_with_no_match_says_what_was_searched(client, entry):
    body = client.get("/register/check/", {"q": "Nobodyhere", "town": "Leeds"}).content.decode()
    assert "No one on the register matches “Nobodyhere” with an employer in Leeds" in body


def test_staff_search_with_no_match_says_so(client, entry, regulator):
    client.force_login(regulator)
    body = client.get("/register/entries/", {"q": "Nobodyhere"}).content.decode()
    assert "No one on the register matches “Nobodyhere”" in body


def test_api_search_with_no_match_gives_a_count_of_zero_and_a_message(client, entry):
    data = client.get("/api/v1/register/public/", {"q": "Nobodyhere"}).json()
    assert data["count"] == 0 and data["results"] == []
    assert data["message"] == "No one on the register matches “Nobodyhere”."


# --- Item 7: the status history names the order that changed ------------------------------------------------


def test_revoking_an_interim_suspension_names_the_suspension(entry, regulator):
    case = services.open_case(entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on)
    start = entry.registered_on
    common = {"case": case, "by": regulator, "starts_on": start, "reason": "r"}
    services.make_interim_order(
        kind="interim_conditions",
        review_on=start + datetime.timedelta(days=30),
        expires_on=start + datetime.timedelta(days=90),
        conditions=["Supervised"],
        **common,
    )
    suspension = services.make_interim_order(
        kind="interim_suspension",
        review_on=start + datetime.timedelta(days=30),
        expires_on=start + datetime.timedelta(days=90),
        **common,
    )
    services.revoke_order(order=suspension, by=regulator, reason="Review panel")
    change = entry.status_changes.order_by("-changed_at", "-id").first()
    assert change.to_status == EntryStatus.REGISTERED_WITH_CONDITIONS
    assert change.reason.startswith("Order revoked: Interim suspension order")
    assert "Order revoked: Interim conditions" not in change.reason


# --- Item 13: bulk lookup ------------------------------------------------------------------------------------


def test_bulk_lookup_takes_numbers_as_pasted_and_shows_them_on_screen_with_the_time(client, entry, time_machine):
    number = entry.registration_number
    pasted = f"{number}\tSW999999 sw {number[2:]},SW999998\r\nSW999997"
    response = client.post("/register/check/bulk/", {"numbers": pasted})
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "4 numbers checked" in body  # duplicates counted once, "sw 100001" joined up
    assert "Sam Okafor" in body and "Not on the register" in body
    assert "Checked on 2 March 2027 at 10:00" in body
    assert "Download these results (CSV)" in body
    csv = client.post("/register/check/bulk/", {"numbers": pasted, "format": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Checked at" in text.splitlines()[0] and "2027-03-02 10:00" in text


# --- Issue 22 item 4: a condition without an end date is a 400 naming the field -----------------------------


def test_api_condition_without_end_date_is_refused_with_the_reason(client, entry, regulator):
    client.force_login(regulator)
    response = client.post(
        f"/api/v1/register/entries/{entry.pk}/conditions/", {"text": "Supervised", "starts_on": "2027-03-02"}
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()
    with pytest.raises(services.ServiceError, match="date the condition ends"):
        services.add_condition(entry=entry, by=regulator, text="x", starts_on=entry.registered_on, ends_on=None)


def test_history_is_kept_for_every_role(client, entry):
    """A role with no link to the entry gets the same answer as for a record that does not exist."""
    client.force_login(make_user(Role.ASSESSOR, email="a@example.com"))
    assert client.get(f"/history/regulation/registerentry/{entry.pk}/").status_code == 404


__all__ = ["SPRING", "register"]


# --- Item 4: names match as people type them ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "typed"),
    [
        ("Zoë", "Brontë-Smith", "zoe"),
        ("Zoë", "Brontë-Smith", "bronte"),
        ("Zoë", "Brontë-Smith", "Brontë"),
        ("Zoë", "Brontë-Smith", "zoe bronte-smith"),
        ("Siobhan", "O'Neill", "oneill"),
        ("Siobhan", "O'Neill", "O'Neill"),
        ("Siobhan", "O'Neill", "O’Neill"),
        ("Siobhan", "O’Neill", "o'neill"),
    ],
)
def test_names_match_as_people_type_them(client, regulator, time_machine, first, last, typed):
    time_machine.move_to(SPRING, tick=False)
    person = make_user(Role.SOCIAL_WORKER, first_name=first, last_name=last, email="named@example.com")
    entry = register(person, regulator, first_name=first, last_name=last)
    page = client.get("/register/check/", {"q": typed}).content.decode()
    assert entry.registration_number in page
    api = client.get("/api/v1/register/public/", {"q": typed}).json()
    assert [r["registration_number"] for r in api["results"]] == [entry.registration_number]


# --- Item 5: GOV.UK date inputs, prefilled --------------------------------------------------------------------


def test_cpd_page_prefills_today_in_day_month_and_year_boxes_and_saves_them(client, entry, worker):
    client.force_login(worker)
    body = client.get("/register/me/cpd/").content.decode()
    assert 'type="date"' not in body
    assert 'name="activity_date-day" type="text" inputmode="numeric" value="2"' in body
    assert 'name="activity_date-year" type="text" inputmode="numeric" value="2027"' in body
    data = {
        "title": "Workshop",
        "activity_date-day": "1",
        "activity_date-month": "3",
        "activity_date-year": "2027",
        "learning": "l",
        "impact": "i",
    }
    assert client.post("/register/me/cpd/", data).status_code == 302
    assert entry.cpd_records.get().activity_date == datetime.date(2027, 3, 1)


def test_employer_ending_employment_sees_the_prefilled_date_and_can_save_it(client, entry, worker, leeds):
    from decimal import Decimal

    job = services.add_employment(
        entry=entry,
        by=worker,
        employer=leeds,
        role_title="Social worker",
        started_on=datetime.date(2027, 1, 1),
        fte=Decimal("1"),
        contract="permanent",
    )
    manager = make_user(Role.LINE_MANAGER, organisation=leeds, email="m@leeds.example")
    client.force_login(manager)
    body = client.get(f"/register/employment/{job.pk}/end/").content.decode()
    assert 'name="ended_on-month" type="text" inputmode="numeric" value="3"' in body
    response = client.post(
        f"/register/employment/{job.pk}/end/",
        {"ended_on-day": "2", "ended_on-month": "3", "ended_on-year": "2027", "reason": "Left"},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.ended_on == datetime.date(2027, 3, 2)


def test_application_errors_name_the_field(client, time_machine):
    time_machine.move_to(SPRING, tick=False)
    client.force_login(make_user(None, email="new@example.com"))
    body = client.post("/register/apply/", {"first_name": ""}).content.decode()
    assert "Enter your date of birth" in body
    assert "Enter your date of qualification" in body
    assert "Enter your first name" in body and "Enter your home address" in body
    assert body.count("This field is required") == 0


# --- Item 6: double submission ---------------------------------------------------------------------------------


def test_two_quick_posts_of_a_cpd_record_make_one(client, entry, worker):
    client.force_login(worker)
    data = {
        "title": "Workshop",
        "activity_date": "2027-03-01",
        "learning": "l",
        "impact": "i",
    }
    assert client.post("/register/me/cpd/", data).status_code == 302
    assert client.post("/register/me/cpd/", data).status_code == 302
    assert entry.cpd_records.count() == 1
    body = client.get("/register/me/cpd/").content.decode()
    assert 'data-prevent-double-click="true"' in body


def test_resent_direct_work_and_interim_order_make_one_each(entry, worker, regulator):
    from decimal import Decimal

    for _ in range(2):
        services.log_direct_work(
            entry=entry, by=worker, worked_on=datetime.date(2027, 3, 1), hours=Decimal("2"), description="Visit"
        )
    assert entry.direct_work.count() == 1
    case = services.open_case(entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on)
    again = services.open_case(entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on)
    assert again == case
    for _ in range(2):
        services.make_interim_order(
            case=case,
            by=regulator,
            kind="interim_suspension",
            starts_on=entry.registered_on,
            review_on=entry.registered_on + datetime.timedelta(days=30),
            expires_on=entry.registered_on + datetime.timedelta(days=90),
            reason="r",
        )
    assert case.orders.count() == 1


# --- Item 8: a status is right on the day it changes ----------------------------------------------------------


def test_the_day_after_conditions_expire_the_public_page_says_registered(client, entry, regulator, time_machine):
    services.add_condition(
        entry=entry,
        by=regulator,
        text="Weekly supervision",
        starts_on=entry.registered_on,
        ends_on=entry.registered_on + datetime.timedelta(days=10),
    )
    time_machine.move_to(SPRING + datetime.timedelta(days=11), tick=False)  # no nightly task has run
    body = client.get("/register/check/", {"q": entry.registration_number}).content.decode()
    assert "Registered with conditions" not in body
    assert ">Registered<" in body
    api = client.get("/api/v1/register/public/", {"q": entry.registration_number}).json()
    assert api["results"][0]["status"] == "Registered"


def test_a_non_renewer_past_the_grace_period_shows_lapsed_everywhere(client, entry, worker, time_machine):
    time_machine.move_to(datetime.datetime(2027, 12, 23, 10, tzinfo=datetime.UTC), tick=False)  # grace ended 21 Dec
    body = client.get("/register/check/", {"q": entry.registration_number}).content.decode()
    assert "Lapsed (not renewed)" in body
    client.force_login(worker)
    assert "Lapsed (not renewed)" in client.get("/register/me/").content.decode()
    assert client.get(f"/api/v1/register/entries/{entry.pk}/").json()["status"] == "lapsed"


def test_the_nightly_tasks_only_record_what_the_pages_already_showed(entry, regulator, time_machine):
    time_machine.move_to(datetime.datetime(2027, 12, 23, 10, tzinfo=datetime.UTC), tick=False)
    shown = entry.status_today
    services.lapse_unrenewed()
    entry.refresh_from_db()
    assert entry.status == shown == EntryStatus.LAPSED


# --- Item 9: implausible dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "qualified", "message"),
    [
        (datetime.date(1, 1, 1), datetime.date(2016, 7, 1), "between 16 and 100"),
        (datetime.date(2009, 1, 1), datetime.date(2016, 7, 1), "at least 18 years after"),
    ],
)
def test_implausible_application_dates_are_refused(worker, dob, qualified, message, time_machine):
    from .conftest import apply_for

    time_machine.move_to(SPRING, tick=False)
    with pytest.raises(services.ServiceError, match=message):
        apply_for(worker, date_of_birth=dob, qualified_on=qualified)


def test_application_page_refuses_a_seven_year_old_qualifying(client, time_machine):
    time_machine.move_to(SPRING, tick=False)
    client.force_login(make_user(None, email="young@example.com"))
    data = {
        "first_name": "A",
        "last_name": "B",
        "date_of_birth-day": "1",
        "date_of_birth-month": "1",
        "date_of_birth-year": "2000",
        "email": "young@example.com",
        "address": "x",
        "qualification": "BA",
        "qualified_on-day": "1",
        "qualified_on-month": "7",
        "qualified_on-year": "2007",
    }
    body = client.post("/register/apply/", data).content.decode()
    assert "Date of qualification must be at least 18 years after your date of birth" in body


def test_interim_orders_with_implausible_dates_are_refused(entry, regulator):
    case = services.open_case(entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on)
    with pytest.raises(services.ServiceError, match="already ended"):
        services.make_interim_order(
            case=case,
            by=regulator,
            kind="interim_suspension",
            starts_on=datetime.date(1990, 1, 1),
            review_on=datetime.date(1990, 2, 1),
            expires_on=datetime.date(1990, 6, 1),
            reason="r",
        )
    with pytest.raises(services.ServiceError, match="review date must be between"):
        services.make_interim_order(
            case=case,
            by=regulator,
            kind="interim_suspension",
            starts_on=entry.registered_on,
            review_on=entry.registered_on + datetime.timedelta(days=200),
            expires_on=entry.registered_on + datetime.timedelta(days=90),
            reason="r",
        )


def test_an_order_past_its_expiry_is_not_shown_in_force(client, entry, regulator, time_machine):
    case = services.open_case(entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on)
    services.make_interim_order(
        case=case,
        by=regulator,
        kind="interim_suspension",
        starts_on=entry.registered_on,
        review_on=entry.registered_on + datetime.timedelta(days=5),
        expires_on=entry.registered_on + datetime.timedelta(days=10),
        reason="r",
    )
    time_machine.move_to(SPRING + datetime.timedelta(days=20), tick=False)
    client.force_login(regulator)
    body = client.get(f"/register/entries/{entry.pk}/").content.decode()
    assert "In force" not in body and "Expired" in body


def test_a_far_future_end_date_is_refused_and_a_mistaken_one_corrected_with_history(entry, worker, leeds):
    from decimal import Decimal

    job = services.add_employment(
        entry=entry,
        by=worker,
        employer=leeds,
        role_title="Social worker",
        started_on=datetime.date(2027, 1, 1),
        fte=Decimal("1"),
        contract="permanent",
    )
    manager = make_user(Role.LINE_MANAGER, organisation=leeds, email="m2@leeds.example")
    with pytest.raises(services.ServiceError, match="no more than 3 months"):
        services.end_employment(employment=job, by=manager, ended_on=datetime.date(2031, 1, 1), reason="typo")
    services.end_employment(employment=job, by=manager, ended_on=datetime.date(2027, 5, 1), reason="Leaving")
    services.correct_employment_end(
        employment=job, by=manager, ended_on=datetime.date(2027, 4, 1), reason="Left earlier"
    )
    job.refresh_from_db()
    assert job.ended_on == datetime.date(2027, 4, 1)
    from accounts.models import AuditEvent

    event = AuditEvent.objects.for_object(job).get(action="end_date_corrected")
    assert event.changes == {"ended_on": ["2027-05-01", "2027-04-01"]}


# --- Item 11: one registration-year rule ---------------------------------------------------------------------


def test_cpd_between_approval_in_the_window_and_1_december_counts(worker, regulator, time_machine):
    from .conftest import add_cpd

    time_machine.move_to(datetime.datetime(2026, 9, 15, 10, tzinfo=datetime.UTC), tick=False)
    entry = register(worker, regulator)
    assert entry.registered_until == datetime.date(2027, 11, 30)
    time_machine.move_to(datetime.datetime(2026, 10, 1, 10, tzinfo=datetime.UTC), tick=False)
    add_cpd(entry, worker, day=datetime.date(2026, 10, 1))
    position = services.renewal_position(entry)
    assert position["cpd"] == 1
    assert position["year_start"] == datetime.date(2026, 9, 15)


def test_cpd_and_direct_work_count_the_same_year_on_the_same_day(client, worker, regulator, time_machine):
    from decimal import Decimal

    from regulation import selectors

    time_machine.move_to(datetime.datetime(2026, 9, 15, 10, tzinfo=datetime.UTC), tick=False)
    entry = register(worker, regulator)
    services.log_direct_work(
        entry=entry, by=worker, worked_on=datetime.date(2026, 9, 15), hours=Decimal("3"), description="Visit"
    )
    time_machine.move_to(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC), tick=False)
    position = services.renewal_position(entry)
    assert selectors.direct_work_total(entry) == Decimal("3")
    client.force_login(worker)
    body = client.get("/register/me/direct-work/").content.decode()
    assert position["period_label"] in body and "15 September 2026 to 30 November 2027" in body
    assert "How the registration year is counted" in body


# --- Item 2: people can find the service, and a way back ------------------------------------------------------


def test_a_new_sign_up_sees_apply_as_a_link_and_then_your_registration_in_the_navigation(client, time_machine):
    from .conftest import apply_for

    time_machine.move_to(SPRING, tick=False)
    newcomer = make_user(None, email="newcomer@example.com", first_name="New", last_name="Comer")
    client.force_login(newcomer)
    home = client.get("/").content.decode()
    assert 'href="/register/apply/"' in home and "Apply to register" in home
    assert "Your registration</a>" not in home.split("govuk-service-navigation__list")[1].split("</ul>")[0]
    apply_for(newcomer)
    home = client.get("/").content.decode()
    nav = home.split("govuk-service-navigation__list")[1].split("</ul>")[0]
    assert 'href="/register/me/"' in nav
    assert 'href="/register/application/"' in home and "Your application" in home


def test_a_lapsed_person_applies_to_return_and_staff_restore_them_with_history_kept(
    client, entry, worker, regulator, time_machine
):
    time_machine.move_to(datetime.datetime(2027, 12, 23, 10, tzinfo=datetime.UTC), tick=False)
    services.lapse_unrenewed()
    client.force_login(worker)
    home = client.get("/").content.decode()
    assert "Apply to return to the register" in home and 'href="/register/apply/"' in home
    assert "Apply to return to the register" in client.get("/register/me/").content.decode()
    response = client.post(
        "/register/apply/", {"address": "1 New Street, Leeds", "statement": "Back from a career break"}
    )
    assert response.status_code == 302
    application = entry.restoration_applications.get()
    assert application.is_open
    client.force_login(regulator)
    page = client.get(f"/register/applications/{application.pk}/").content.decode()
    assert "Application to return to the register" in page and "Back from a career break" in page
    response = client.post(
        f"/register/applications/{application.pk}/", {"decision": "approve", "reason": "CPD evidence seen"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REGISTERED and entry.status_today == EntryStatus.REGISTERED
    assert entry.registered_until == datetime.date(2028, 11, 30)
    assert list(entry.status_changes.order_by("changed_at", "id").values_list("to_status", flat=True)) == [
        "registered",
        "lapsed",
        "registered",
    ]


def test_a_removed_person_can_apply_to_return_and_a_practising_one_cannot(entry, worker, regulator):
    with pytest.raises(services.ServiceError, match="does not need restoring"):
        services.apply_for_restoration(entry=entry, by=worker, address="x", statement="y")
    case = services.open_case(entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on)
    services.record_outcome(case=case, by=regulator, outcome="removal", reason="Panel decision")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED
    application = services.apply_for_restoration(entry=entry, by=worker, address="x", statement="Five years on")
    restored = services.approve_application(application=application, by=regulator, reason="Panel agreed")
    assert restored.status == EntryStatus.REGISTERED
    assert not restored.orders.filter(status="in_force").exists()


# --- Item 12: wording and GOV.UK patterns ---------------------------------------------------------------------


def test_staff_and_personal_pages_are_not_cached(client, entry, regulator, worker):
    client.force_login(regulator)
    for url in (f"/register/entries/{entry.pk}/", "/register/applications/", "/register/entries/?q=Okafor"):
        assert "no-store" in client.get(url)["Cache-Control"], url
    client.force_login(worker)
    assert "no-store" in client.get("/register/me/")["Cache-Control"]


def test_free_text_has_a_limit_and_statuses_have_their_colours(client, entry, worker, regulator):
    client.force_login(worker)
    data = {"title": "x", "activity_date": "2027-03-01", "learning": "a" * 5001, "impact": "i"}
    body = client.post("/register/me/cpd/", data).content.decode()
    assert "What you learned must be 5000 characters or less" in body
    assert not entry.cpd_records.exists()
    assert "govuk-tag--green" in client.get("/register/me/").content.decode()
    services.add_condition(
        entry=entry, by=regulator, text="Supervised", starts_on=entry.registered_on, ends_on=datetime.date(2028, 1, 1)
    )
    assert "govuk-tag--orange" in client.get("/register/check/", {"q": entry.registration_number}).content.decode()


def test_entry_page_tables_can_be_scrolled_by_keyboard(client, entry, regulator):
    client.force_login(regulator)
    body = client.get(f"/register/entries/{entry.pk}/").content.decode()
    assert 'class="app-table-scroll">' not in body
    assert body.count('class="app-table-scroll" tabindex="0" role="region"') >= 4


# --- Item 14 ---------------------------------------------------------------------------------------------------


def test_signed_out_start_page_links_to_the_public_register_check(client):
    assert 'href="/register/check/"' in client.get("/").content.decode().split("<main")[1]


def test_account_page_says_whether_two_factor_is_set_up(client):
    without = make_user(Role.SOCIAL_WORKER, email="no2fa@example.com", with_mfa=False)
    client.force_login(without)
    assert "Not set up" in client.get("/account/").content.decode()
    with_app = make_user(Role.REGULATOR_STAFF, email="has2fa@example.com")
    client.force_login(with_app)
    body = client.get("/account/").content.decode()
    assert "Not set up" not in body and "Set up: authenticator app" in body


def test_regulators_administration_link_leads_to_a_page_they_can_use(client, regulator):
    client.force_login(regulator)
    home = client.get("/").content.decode()
    assert 'href="/admin/"' in home
    assert client.get("/admin/").status_code == 200


# --- What applicants expect: evidence, declarations, confirmation, withdrawal ------------------------------------


def _application_data(email, **overrides):
    from .conftest import evidence_and_declarations

    return {
        "first_name": "Ada",
        "last_name": "Obi",
        "date_of_birth-day": "12",
        "date_of_birth-month": "4",
        "date_of_birth-year": "1990",
        "email": email,
        "address": "1 Park Row, Leeds",
        "qualification": "MA Social Work, University of Leeds",
        "qualified_on-day": "1",
        "qualified_on-month": "7",
        "qualified_on-year": "2016",
        **evidence_and_declarations(**overrides),
    }


def test_evidence_is_checked_by_content_and_nothing_is_saved_when_it_is_wrong(client, time_machine):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from regulation.models import Application

    time_machine.move_to(SPRING, tick=False)
    client.force_login(make_user(None, email="ada@example.com"))
    fake = SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    body = client.post(
        "/register/apply/", _application_data("ada@example.com", qualification_certificate=fake)
    ).content.decode()
    assert "The selected file must be a PDF, JPG or PNG" in body
    assert not Application.objects.exists()
    body = client.post(
        "/register/apply/", _application_data("ada@example.com", health_declaration="yes")
    ).content.decode()
    assert "Give details of anything you answered yes to" in body
    assert not Application.objects.exists()


def test_evidence_up_to_the_stated_10mb_gets_through_the_request_size_cap(client, time_machine):
    """The page promises files "smaller than 10MB": the whole-request cap must not drop an 8 MB certificate."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from regulation.models import Application

    from .conftest import PDF

    time_machine.move_to(SPRING, tick=False)
    client.force_login(make_user(None, email="ada@example.com"))
    large = SimpleUploadedFile("certificate.pdf", PDF + b"0" * (8 * 1024 * 1024), content_type="application/pdf")
    response = send_application(client, _application_data("ada@example.com", qualification_certificate=large))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Application.objects.get().documents.count() == 2


def test_a_body_over_the_request_cap_is_refused_with_a_clear_page_and_nothing_saved(client, time_machine, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from regulation.models import Application

    from .conftest import PDF

    settings.MAX_UPLOAD_SIZE = 100_000
    time_machine.move_to(SPRING, tick=False)
    client.force_login(make_user(None, email="ada@example.com"))
    large = SimpleUploadedFile("certificate.pdf", PDF + b"0" * 200_000, content_type="application/pdf")
    response = client.post("/register/apply/", _application_data("ada@example.com", qualification_certificate=large))
    assert response.status_code == 413
    assert "The file is too large" in response.content.decode()
    assert not Application.objects.exists()


def test_applicant_sees_a_confirmation_panel_what_they_sent_and_can_withdraw(client, time_machine, regulator):
    from regulation.models import Application

    time_machine.move_to(SPRING, tick=False)
    applicant = make_user(None, email="ada@example.com")
    client.force_login(applicant)
    response = send_application(client, _application_data("ada@example.com"))
    assert response["Location"] == "/register/application/sent/"
    panel = client.get("/register/application/sent/").content.decode()
    assert "govuk-panel--confirmation" in panel and "What happens next" in panel
    mine = client.get("/register/application/").content.decode()
    assert "certificate.pdf" in mine and "1 Park Row" in mine and "Declared true" in mine
    application = Application.objects.get()
    document = application.documents.get(kind="qualification")
    url = f"/register/applications/{application.pk}/documents/{document.pk}/"
    assert client.get(url).status_code == 200
    client.force_login(make_user(Role.LINE_MANAGER, email="lm@example.com"))
    assert client.get(url).status_code == 404
    client.force_login(regulator)
    assert "certificate.pdf" in client.get(f"/register/applications/{application.pk}/").content.decode()
    client.force_login(applicant)
    client.post("/register/application/withdraw/")
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert "apply again" in client.get("/register/application/").content.decode()


def test_staff_see_cpd_records_and_the_applicants_address_on_the_entry_page(client, entry, worker, regulator):
    from .conftest import add_cpd

    add_cpd(entry, worker, title="Working with interpreters")
    client.force_login(regulator)
    body = client.get(f"/register/entries/{entry.pk}/").content.decode()
    assert "Working with interpreters" in body and "1 Secret Street, Leeds" in body


def test_registrant_downloads_proof_of_registration_made_by_the_worker(
    client, entry, worker, django_capture_on_commit_callbacks
):
    from accounts.models import Job

    client.force_login(worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/me/proof/")
    job = Job.objects.get(kind="register_proof_pdf")
    assert response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    download = client.get(f"/jobs/{job.pk}/download/")
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF") and download["Content-Type"] == "application/pdf"


def test_cpd_can_be_changed_or_deleted_until_a_renewal_counts_it(client, entry, worker, time_machine):
    from regulation.models import CPDRecord

    from .conftest import RENEWAL_OPEN, add_cpd

    record = add_cpd(entry, worker, title="Workshp")
    client.force_login(worker)
    page = client.get(f"/register/me/cpd/{record.pk}/change/").content.decode()
    assert 'value="Workshp"' in page
    data = {"title": "Workshop", "activity_date": "2027-03-01", "learning": "l", "impact": "i"}
    assert client.post(f"/register/me/cpd/{record.pk}/change/", data).status_code == 302
    record.refresh_from_db()
    assert record.title == "Workshop"
    spare = add_cpd(entry, worker, title="Spare", peer="")
    assert client.post(f"/register/me/cpd/{spare.pk}/delete/").status_code == 302
    assert list(entry.cpd_records.values_list("title", flat=True)) == ["Workshop"]
    assert CPDRecord.all_objects.get(pk=spare.pk).deleted_at is not None  # kept, marked deleted
    time_machine.move_to(RENEWAL_OPEN, tick=False)
    add_cpd(entry, worker, title="Second")
    services.renew_registration(entry=entry, by=worker)
    with pytest.raises(services.ServiceError, match="counted when you renewed"):
        services.delete_cpd(record=record, by=worker)
    client.force_login(worker)  # a new session after months away
    assert "Counted in a renewal" in client.get("/register/me/cpd/").content.decode()
    other = make_user(Role.SOCIAL_WORKER, email="other@example.com")
    client.force_login(other)
    assert client.get(f"/register/me/cpd/{record.pk}/change/").status_code in (302, 404)


def test_demo_data_falls_inside_the_registration_year_rule(db, time_machine):
    from decimal import Decimal

    from django.core.management import call_command

    from regulation import selectors
    from regulation.models import RegisterEntry

    time_machine.move_to(datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC), tick=False)  # in the window
    make_user(Role.SOCIAL_WORKER, email="social.worker@example.com", first_name="Sam", last_name="Okafor")
    make_user(Role.REGULATOR_STAFF, email="regulator@example.com")
    call_command("seed_register_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    entry = RegisterEntry.objects.get(email="social.worker@example.com")
    position = services.renewal_position(entry)
    assert position["cpd"] == 2 and position["peer"] == 1
    assert selectors.direct_work_total(entry) == Decimal("6.5")
