"""The workforce lead's and regulator's pages, with the real published data behind them."""

import csv
import io
import itertools
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.jobs import start_job  # noqa: F401  (job handlers registered via the app)
from accounts.models import Job, Organisation, Role
from tests.factories import make_user
from workforce.models import PublishedStatistic, WorkforceReturn

from .conftest import PUBLISHED
from .factories import GOOD, csv_text, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def leeds_lead(published):
    return make_user(Role.WORKFORCE_LEAD, organisation=Organisation.objects.get(la_number="383"))


@pytest.fixture
def everyone(published):
    call_command("import_workforce_returns", str(PUBLISHED), stdout=io.StringIO())


def test_lead_sends_a_return_by_form_as_a_draft_then_submits(client, published, leeds_lead, time_machine):
    time_machine.move_to("2025-11-01", tick=False)
    client.force_login(leeds_lead)
    response = client.post("/workforce/returns/new/", {"year": "2025", "action": "draft", "inpost_fte": "500"})
    ret = WorkforceReturn.objects.get(year=2025)
    assert response.status_code == 302 and ret.status == "draft"
    response = client.post(f"/workforce/returns/{ret.pk}/edit/", {**GOOD, "leavers_fte": "-2", "action": "submit"})
    body = response.content.decode()
    assert "There is a problem" in body and "Leavers (FTE) cannot be negative." in body
    ret.refresh_from_db()
    assert ret.status == "draft" and ret.version == 1
    client.post(f"/workforce/returns/{ret.pk}/edit/", {**GOOD, "action": "submit"})
    ret.refresh_from_db()
    assert ret.status == "submitted" and ret.version == 2
    page = client.get(f"/workforce/returns/{ret.pk}/versions/").content.decode()
    assert "Draft" in page and "Submitted" in page


def test_correcting_a_submitted_return_asks_why(client, published, leeds_lead):
    client.force_login(leeds_lead)
    client.post("/workforce/returns/new/", {**GOOD, "year": "2024", "action": "submit"})
    ret = WorkforceReturn.objects.get()
    response = client.post(f"/workforce/returns/{ret.pk}/edit/", {**GOOD, "cases": "1400", "reason": ""})
    assert "Say why the return is being corrected." in response.content.decode()
    client.post(f"/workforce/returns/{ret.pk}/edit/", {**GOOD, "cases": "1400", "reason": "Recount"})
    ret.refresh_from_db()
    assert ret.cases == Decimal("1400") and ret.version == 2


def test_upload_page_lists_every_problem_with_its_row_and_column(client, published, leeds_lead):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(leeds_lead)
    data = csv_text([row(2024, cases="many"), row(2023, la="384")]).encode("utf-8-sig")
    response = client.post("/workforce/returns/upload/", {"file": SimpleUploadedFile("r.csv", data)})
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Row 2, cases: Cases held must be a number" in body
    assert "Row 3, old_la_code: LA 384 is not your authority" in body
    assert not WorkforceReturn.objects.exists()
    wrong_type = client.post("/workforce/returns/upload/", {"file": SimpleUploadedFile("r.xlsx", b"PK\x03\x04")})
    assert "must be a CSV file" in wrong_type.content.decode()


def test_report_shows_charts_tables_ranks_and_neighbours_in_a_fixed_number_of_queries(
    client, everyone, leeds_lead, django_assert_max_num_queries
):
    client.force_login(leeds_lead)
    with django_assert_max_num_queries(25):
        response = client.get("/workforce/report/")
    body = response.content.decode()
    assert body.count('role="img"') == 8 and body.count("the figures in the chart") == 8
    assert "Yorkshire and The Humber" in body and "Statistical neighbours" in body and "England" in body
    assert "of 150" in body or "of 151" in body or "of 149" in body
    # Leeds' ten neighbours in the published order of closeness
    first = body.index("1. ")
    assert body.index("10. ") > first


def test_report_cost_does_not_grow_with_years_of_returns(client, published, leeds_lead, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(leeds_lead)
    with CaptureQueriesContext(connection) as few:
        client.get("/workforce/report/")
    call_command("import_workforce_returns", str(PUBLISHED), stdout=io.StringIO())
    with CaptureQueriesContext(connection) as many:
        client.get("/workforce/report/")
    assert len(many) == len(few)


def test_report_downloads_csv_and_excel_with_formulas_escaped(client, everyone, leeds_lead):
    from workforce.models import ReportingUnit

    ReportingUnit.objects.filter(code="383").update(name="=HYPERLINK(1)")
    client.force_login(leeds_lead)
    response = client.get("/workforce/report/download.csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8")
    assert text.startswith("\ufeffmeasure,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    mine = [r for r in rows if r[3].endswith("HYPERLINK(1)")]
    assert mine and all(r[3] == "'=HYPERLINK(1)" for r in mine)
    assert any(r[0] == "turnover_rate_fte" and r[2] == "2024" and r[3] == "England" and r[4] == "13.9" for r in rows)
    # The attribution is outside the data rows: in the companion data guidance, linked from the page.
    assert "Open Government Licence" not in text
    assert "Open Government Licence" in client.get("/workforce/statistics/data-guidance.txt").content.decode()
    assert "data-guidance.txt" in client.get("/workforce/report/").content.decode()
    book = load_workbook(io.BytesIO(client.get("/workforce/report/download.xlsx").content))
    cells = [c.value for r in book["Rates"].iter_rows() for c in r]
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells
    assert book["Rates"].freeze_panes == "A2" and book["Rates"].column_dimensions["B"].width > 20
    assert "Open Government Licence" in book["About"]["A2"].value


def test_pdf_is_made_by_a_job_with_progress(client, everyone, leeds_lead, django_capture_on_commit_callbacks):
    client.force_login(leeds_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/workforce/report/pdf/")
    job = Job.objects.get(kind="workforce_report_pdf")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "succeeded" and job.progress == 100
    assert job.result_file.read().startswith(b"%PDF")


def test_forecast_shows_defaults_and_takes_new_assumptions(client, everyone, leeds_lead, time_machine):
    time_machine.move_to("2026-11-01", tick=False)
    client.force_login(leeds_lead)
    response = client.get("/workforce/forecast/")
    body = response.content.decode()
    assert "This is a projection, not a prediction" in body and "Gap (demand minus supply)" in body
    # The horizon starts with the first year not yet over (2027), never before today.
    assert [y.year for y in response.context["years"]] == [2027, 2028, 2029]
    assert "There are no figures yet for 2025, 2026" in body
    sources = dict((label, source) for label, _, source in response.context["sources"])
    assert any("2022–2024" in s and "published" in s for s in sources.values())
    base = {
        "turnover_rate": "30",
        "growth_in_posts": "0",
        "early_career_starters": "0",
        "course_places_in_region": "0",
        "experienced_starters": "0",
    }
    changed = client.get("/workforce/forecast/", base)
    assert changed.context["years"][0].leavers > 0 and changed.context["years"][0].supply == 0


def test_every_forecast_assumption_changes_the_result_it_names(everyone, leeds_lead):
    from workforce import forecast, selectors
    from workforce.reference import single_unit_for

    report = selectors.unit_report(single_unit_for(leeds_lead.organisations_for(Role.WORKFORCE_LEAD)[0]))
    base, _, _, _ = forecast.baseline_and_defaults(report)
    assert base.year == 2024 and base.window == [2022, 2023, 2024]
    plain = forecast.Assumptions(Decimal(10), Decimal(0), Decimal(20), Decimal(500), Decimal(10))

    def first(**changes):
        from datetime import date

        return forecast.project(base, forecast.Assumptions(**{**vars(plain), **changes}), today=date(2024, 11, 1))[0]

    start = first()
    assert first(turnover_rate=Decimal(20)).leavers > start.leavers
    assert first(growth_in_posts=Decimal(5)).posts > start.posts
    assert first(early_career_starters=Decimal(0)).supply < start.supply
    assert first(experienced_starters=Decimal(50)).supply > start.supply
    none, many = first(course_places_in_region=Decimal(0)), first(course_places_in_region=Decimal(99_999))
    assert none.qualifiers_available == 0 < many.qualifiers_available
    assert none.supply < start.supply  # no places: no newly qualified starters
    # Today's vacancies are part of the starters needed, even with no leavers and no growth.
    still = first(turnover_rate=Decimal(0))
    assert base.vacancy_fte > 0 and still.starters_needed >= base.vacancy_fte


def test_all_authorities_filters_sorts_and_sums_counts_in_a_fixed_number_of_queries(
    client, everyone, role_users, django_assert_max_num_queries
):
    client.force_login(role_users[Role.REGULATOR_STAFF])
    with django_assert_max_num_queries(20):
        response = client.get(
            "/workforce/authorities/",
            {"year": 2024, "region": "E12000003", "sort": "vacancy_rate_fte", "order": "desc"},
        )
    rows = response.context["rows"]
    assert rows and {r.region_name for r, _ in rows} == {"Yorkshire and The Humber"}
    numbers = [r.rates["vacancy_rate_fte"] for r, _ in rows if isinstance(r.rates["vacancy_rate_fte"], Decimal)]
    assert numbers == sorted(numbers, reverse=True)
    ((region, values),) = response.context["summary"]
    published = PublishedStatistic.objects.get(year=2024, level="regional", area_code="E12000003")
    assert abs(Decimal(values[list(region.rates).index("turnover_rate_fte")]) - published.turnover_rate_fte) <= Decimal(
        "0.1"
    )
    everywhere = client.get("/workforce/authorities/", {"year": 2024}).context
    assert len(everywhere["rows"]) == 151 and everywhere["summary"][0][0].name == "England"


def test_report_command_and_api_give_the_same_rows(client, everyone, role_users):
    out = io.StringIO()
    call_command("workforce_report", "--year", "2024", "--level", "national", "--format", "json", stdout=out)
    (england,) = json.loads(out.getvalue())
    assert england["geographic_level"] == "National" and england["turnover_rate_fte"] == "13.9"
    client.force_login(role_users[Role.REGULATOR_STAFF])
    assert client.get("/api/v1/workforce/report/?year=2024&level=national").json() == [england]
    out = io.StringIO()
    call_command("workforce_report", "--year", "2024", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    leeds = next(r for r in rows if r["old_la_code"] == "383")
    assert leeds["new_la_code"] == "E08000035" and leeds["region_name"] == "Yorkshire and The Humber"
    joint = next(r for r in rows if r["old_la_code"] == "940 / 941")
    assert joint["new_la_code"] == "E06000061 / E06000062"
    birmingham = next(r for r in rows if r["old_la_code"] == "330")
    assert birmingham["agency_rate_fte"] == "u" and birmingham["agency_fte"] == "u"


def test_import_command_prints_each_problem_and_saves_nothing(published, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text([row(2023, inpost_fte="-1"), row(2023)]))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_workforce_returns", str(bad))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "row 2, column inpost_fte: Social workers in post (FTE) cannot be negative." in err
    assert "row 3, column old_la_code: LA 383 already has a 2023 return in row 2" in err
    assert not WorkforceReturn.objects.exists()


def test_published_import_keeps_symbols_at_every_level(published):
    assert PublishedStatistic.objects.filter(level="national").count() == 8
    assert PublishedStatistic.objects.filter(level="regional", area_code__startswith="E13").count() == 16
    birmingham = PublishedStatistic.objects.get(year=2024, area_code="330")
    assert birmingham.agency_fte is None and birmingham.get_value("agency_fte") == "u"
    joint = PublishedStatistic.objects.get(year=2024, area_code="940 / 941")
    assert sorted(joint.unit.organisations.values_list("la_number", flat=True)) == ["940", "941"]
    call_command("import_dfe_statistics", str(PUBLISHED), stdout=io.StringIO())
    assert PublishedStatistic.objects.count() == 1300


def test_home_pages_show_workforce_tasks(client, published, leeds_lead, role_users):
    client.force_login(leeds_lead)
    body = client.get("/").content.decode()
    assert "workforce return" in body and "Your workforce report" in body and 'href="/workforce/"' in body
    client.force_login(role_users[Role.REGULATOR_STAFF])
    assert "All authorities" in client.get("/").content.decode()


def test_seed_workforce_demo_is_idempotent(published):
    call_command("seed_workforce_demo", stdout=io.StringIO())
    count = WorkforceReturn.objects.count()
    call_command("seed_workforce_demo", stdout=io.StringIO())
    assert WorkforceReturn.objects.count() == count == 1204


def test_forecast_defaults_use_the_regions_approved_courses_and_early_career_starters(leeds_lead, time_machine):
    """The course-places and early-career assumptions come from the product's own records when it holds them."""
    import datetime

    from regulation.courses import services as courses
    from tests.courses.conftest import COURSE, approve
    from training.models import Enrolment
    from workforce import forecast, selectors
    from workforce.reference import single_unit_for

    time_machine.move_to(datetime.datetime(2026, 11, 23, 12, 0), tick=False)
    report = selectors.unit_report(single_unit_for(leeds_lead.organisations_for(Role.WORKFORCE_LEAD)[0]))
    _, _, estimated, _ = forecast.baseline_and_defaults(report)
    assert estimated["course_places_in_region"].startswith("Estimate")
    assert estimated["early_career_starters"].startswith("Estimate")

    region = report.unit.region
    university = Organisation.objects.create(
        name="University of Leeds", kind=Organisation.Kind.EDUCATION_PROVIDER, region=region
    )
    lead = make_user(Role.COURSE_LEAD, organisation=university, email="lead@leeds.example")
    regulator = make_user(Role.REGULATOR_STAFF, email="reviewer@regulator.example")
    provider = courses.provider_for_organisation(organisation=university)
    approve(courses.add_course(provider=provider, by=lead, **{**COURSE, "annual_places": 55}), lead, regulator)
    _, assumptions, sources, _ = forecast.baseline_and_defaults(report)
    assert assumptions.course_places_in_region == 55
    assert "approved in Yorkshire and The Humber" in sources["course_places_in_region"]
    assert not Enrolment.objects.exists()  # early career still estimated: nobody enrolled in the region
    assert sources["early_career_starters"].startswith("Estimate")


def test_downloads_are_named_by_council_and_year_not_our_number(
    client, everyone, leeds_lead, django_capture_on_commit_callbacks
):
    client.force_login(leeds_lead)
    year = client.get("/workforce/report/").context["report"].latest_year
    for kind in ("csv", "xlsx"):
        response = client.get(f"/workforce/report/download.{kind}")
        assert response["Content-Disposition"] == f'attachment; filename="workforce-report-leeds-{year}.{kind}"'
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/workforce/report/pdf/")
    job = Job.objects.get(kind="workforce_report_pdf")
    assert job.result_filename == f"workforce-report-leeds-{year}.pdf"
    response = client.get(f"/jobs/{job.pk}/download/")
    assert f'filename="workforce-report-leeds-{year}.pdf"' in response["Content-Disposition"]
    assert "383" not in response["Content-Disposition"]


def test_the_pdf_is_tagged_dated_and_names_the_statistical_neighbours(
    client, everyone, leeds_lead, django_capture_on_commit_callbacks, tmp_path, time_machine
):
    import shutil
    import subprocess  # nosec B404 # poppler's own reader, on a file we made

    from workforce.models import StatisticalNeighbour

    time_machine.move_to("2026-11-03 14:30", tick=False)
    neighbours = list(
        StatisticalNeighbour.objects.filter(organisation__la_number="383").select_related("neighbour")[:10]
    )
    client.force_login(leeds_lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/workforce/report/pdf/")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(Job.objects.get(kind="workforce_report_pdf").result_file.read())
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdfinfo, pdftotext) is not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout  # nosec B603 B607
    assert "Tagged:          yes" in info
    text = subprocess.run(  # nosec B603 B607
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Made on 3 November 2026" in text
    assert "statistical neighbours you are compared with" in text
    assert neighbours and all(link.neighbour.name in text for link in neighbours)


def test_chart_text_is_in_the_govuk_typeface_with_years_that_never_collide():
    from workforce.charts import FONT_FAMILY, line_chart, year_label_indexes

    svg = line_chart(
        chart_id="c", title="Turnover", years=list(range(2017, 2025)), series=[("You", [Decimal(5)] * 8)], unit="%"
    )
    assert f"font-family='{FONT_FAMILY}'" in svg and "GDS Transport" in FONT_FAMILY
    assert ">Per cent (%)</text>" in svg  # the unit is the y-axis title, inside the chart
    shown = year_label_indexes(8, 35.0)
    assert shown[-1] == 7 and 6 not in shown  # the latest year is labelled; the one beside it is not
    assert all(b - a >= 2 for a, b in itertools.pairwise(shown))
    assert year_label_indexes(3, 140.0) == [0, 1, 2]
