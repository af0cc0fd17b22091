"""A council that sends a year the Department has not published yet still gets a real comparison; returns are
made of numbers; messages say what happened; the report API refuses impossible years with a 400."""

import pytest

from accounts.models import Organisation, Role
from tests.factories import make_user
from workforce import services
from workforce.models import WorkforceReturn
from workforce.reference import single_unit_for
from workforce.validation import ReturnProblems

from .factories import GOOD

pytestmark = pytest.mark.django_db


def _unit(lead):
    return single_unit_for(lead.organisations_for(Role.WORKFORCE_LEAD)[0])


def _lead(la_number):
    return make_user(Role.WORKFORCE_LEAD, organisation=Organisation.objects.get(la_number=la_number))


def test_a_year_not_yet_published_compares_with_councils_that_sent_it_and_the_latest_published(
    client, published, time_machine
):
    time_machine.move_to("2026-11-01", tick=False)
    leeds, wakefield = _lead("383"), _lead("384")
    services.submit_return(unit=_unit(leeds), year=2026, raw=GOOD, by=leeds)
    client.force_login(leeds)
    body = client.get("/workforce/report/").content.decode()
    assert ">1 of 1<" not in body
    assert "No other council has sent a 2026 return yet" in body
    assert "Against every authority&#x27;s published 2024 figure" in body
    assert "published 2026 figures" not in body and "these are your neighbours' published figures for 2024" in body
    # 2025 is neither published nor sent: a gap in the table and a prompt to send it.
    assert "Send your 2025 return" in body
    report = client.get("/workforce/report/").context["report"]
    assert 2025 in report.years and 2025 not in report.own and report.missing_years == [2025]
    assert report.own[2026].source == "provisional" and report.own[2024].source == "published"

    services.submit_return(unit=_unit(wakefield), year=2026, raw=GOOD, by=wakefield)
    report = client.get("/workforce/report/").context["report"]
    among_sent, against_published = report.rankings
    assert "Among the 2 councils that have sent a 2026 return" in among_sent.label
    assert among_sent.by_rate["turnover_rate_fte"][1] == 2
    assert against_published.by_rate["turnover_rate_fte"][1] > 140
    region = next(c for c in report.comparisons if c.label == "Yorkshire and The Humber")
    assert region.notes[2026] == "provisional: sum of 2 of 15 councils' returns"


def test_provisional_sums_say_how_many_councils_they_include(published, client, role_users, time_machine):
    time_machine.move_to("2026-11-01", tick=False)
    leeds = _lead("383")
    services.submit_return(unit=_unit(leeds), year=2026, raw=GOOD, by=leeds)
    client.force_login(role_users[Role.REGULATOR_STAFF])
    rows = client.get("/api/v1/workforce/report/?year=2026&level=region").json()
    (yorkshire,) = rows
    assert yorkshire["source"] == "provisional" and yorkshire["councils_included"] == "1"
    page = client.get("/workforce/authorities/", {"year": 2026}).content.decode()
    assert "Provisional: sum of 1 of 15 councils&#x27; returns" in page
    # A lead sees published years only on the all-authorities table.
    client.force_login(leeds)
    assert 2026 not in [y for y, _ in client.get("/workforce/authorities/").context["form"].fields["year"].choices]


def test_london_borough_sees_its_half_of_london(published, client):
    client.force_login(_lead("207"))  # Kensington and Chelsea
    report = client.get("/workforce/report/").context["report"]
    assert [c.label for c in report.comparisons] == ["London", "Inner London", "Statistical neighbours", "England"]


@pytest.mark.parametrize("symbol", ["c", "low", "u", "z"])
def test_a_council_cannot_answer_with_a_publication_symbol(published, symbol):
    lead = _lead("383")
    with pytest.raises(ReturnProblems) as problems:
        services.submit_return(
            unit=_unit(lead),
            year=2024,
            raw={**GOOD, "inpost_fte": symbol},
            by=lead,
        )
    assert "is a symbol the Department uses when it publishes figures" in str(problems.value)
    assert not WorkforceReturn.objects.exists()


def test_a_count_the_rates_need_cannot_be_unknown_and_others_need_a_reason(published):
    lead = _lead("383")
    unit = _unit(lead)
    with pytest.raises(ReturnProblems) as problems:
        services.submit_return(unit=unit, year=2024, raw={**GOOD, "leavers_fte": "x"}, by=lead)
    assert "the rates need it" in str(problems.value)
    with pytest.raises(ReturnProblems) as problems:
        services.submit_return(unit=unit, year=2024, raw={**GOOD, "starters_headcount": "x"}, by=lead)
    assert "not_known_reason" in str(problems.value)
    ret = services.submit_return(
        unit=unit, year=2024, raw={**GOOD, "starters_headcount": "x", "not_known_reason": "HR system down"}, by=lead
    )
    assert ret.get_value("starters_headcount") == "x" and "HR system down" in ret.versions.get().reason


def test_draft_shows_blanks_as_not_entered_and_corrections_by_upload_say_they_are_live(published, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import csv_text, row

    lead = _lead("383")
    unit = _unit(lead)
    draft = services.save_draft(unit=unit, year=2023, raw={"inpost_fte": "500"}, by=lead)
    client.force_login(lead)
    body = client.get(f"/workforce/returns/{draft.pk}/").content.decode()
    assert "not entered" in body
    services.submit_return(unit=unit, year=2024, raw=GOOD, by=lead)
    data = csv_text([row(2024, cases="1400")]).encode()
    response = client.post(
        "/workforce/returns/upload/", {"file": SimpleUploadedFile("r.csv", data), "reason": "Recount"}, follow=True
    )
    text = response.content.decode()
    assert "1 submitted return(s) corrected: the corrections are live now" in text and "saved as drafts" not in text


@pytest.mark.parametrize("year", ["0", "99999999999", "20x4", "-1"])
def test_report_api_refuses_impossible_years_with_a_400(client, role_users, year):
    client.force_login(role_users[Role.REGULATOR_STAFF])
    response = client.get("/api/v1/workforce/report/", {"year": year})
    assert response.status_code == 400 and "four digits" in str(response.json()["year"])
    public = client.get("/api/v1/workforce/published/", {"year": year})
    assert public.status_code == 400


def test_uploads_that_would_stall_the_service_are_refused_with_clear_messages(published, client, settings, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workforce import validation

    from .factories import csv_text, row

    client.force_login(_lead("383"))
    # 400 bad rows: the first 50 problems are shown, then a count of the rest.
    data = csv_text([row(2024, cases="many") for _ in range(400)]).encode()
    body = client.post("/workforce/returns/upload/", {"file": SimpleUploadedFile("r.csv", data)}).content.decode()
    assert 0 < body.count("Cases held must be") <= 2 * 50  # summary and field message, first 50 only
    assert "…and 749 more problems not shown." in body
    # Too many rows, an enormous cell: refused before any row is checked.
    monkeypatch.setattr(validation, "MAX_ROWS", 100)
    many = csv_text([row(2024)] * 101).encode()
    body = client.post("/workforce/returns/upload/", {"file": SimpleUploadedFile("r.csv", many)}).content.decode()
    assert "The file has more than 100 rows." in body
    huge = csv_text([row(2024, cases="1" * 200_000)]).encode()
    body = client.post("/workforce/returns/upload/", {"file": SimpleUploadedFile("r.csv", huge)}).content.decode()
    assert "This cell is longer than 200 characters" in body or "cannot be read as CSV" in body
    # A body over the cap is refused as it streams in.
    settings.MAX_UPLOAD_SIZE = 50_000
    big = SimpleUploadedFile("r.csv", b"x" * 60_000)
    response = client.post("/workforce/returns/upload/", {"file": big})
    assert response.status_code == 413 and "The file is too large" in response.content.decode()
    assert not WorkforceReturn.objects.exists()


def test_a_long_valid_file_is_checked_and_saved_by_a_job_with_progress(
    published, client, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Job
    from workforce import validation

    from .factories import csv_text, row

    monkeypatch.setattr(validation, "IN_REQUEST_ROWS", 3)
    client.force_login(_lead("383"))
    data = csv_text([row(year) for year in range(2015, 2025)]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/workforce/returns/upload/", {"file": SimpleUploadedFile("r.csv", data)})
    job = Job.objects.get(kind="workforce_upload")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "succeeded" and job.progress == 100
    assert job.message.startswith("Your file has been checked. 10 new return(s) saved as drafts")
    assert WorkforceReturn.objects.count() == 10 and "workforce-uploads" not in str(job.params.get("data", ""))
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Ready" in page and "10 new return(s)" in page

    bad = csv_text([row(year, cases="many") for year in range(2015, 2025)]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/workforce/returns/upload/", {"file": SimpleUploadedFile("r.csv", bad)})
    failed = Job.objects.filter(kind="workforce_upload").exclude(pk=job.pk).get()
    assert failed.status == "failed" and "Nothing was saved" in failed.error and "Cases held" in failed.error
    assert WorkforceReturn.objects.count() == 10
