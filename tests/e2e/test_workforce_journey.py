"""A council workforce lead uploads a return with a mistake, fixes it, submits it, and takes their report away."""

import pytest
from django.conf import settings

from accounts.models import Organisation, Role
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, make_user
from workforce.validation import latest_reportable_year

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = (
    "time_period,old_la_code,la_name,inpost_fte,inpost_headcount,starters_fte,starters_headcount,leavers_fte,"
    "leavers_headcount,agency_fte,agency_headcount,agency_cover_fte,vacancy_fte,case_holders_fte,cases,"
    "working_days_lost_fte"
)


def _csv(year, leavers_fte):
    return f"{COLUMNS}\n{year},383,Leeds,650.5,690,90,95,{leavers_fte},80,40,42,35,70,400,7000,5000\n".encode()


@pytest.fixture
def leeds_lead():
    from accounts.reference_data import load_local_authorities
    from workforce.reference import import_published_statistics, import_statistical_neighbours
    from workforce.services import import_returns

    source = settings.SHARED_DATA_DIR / "csww_indicators_2017_to_2024.csv"
    load_local_authorities(source)
    import_published_statistics(source)
    import_statistical_neighbours(settings.SHARED_DATA_DIR / "statistical_neighbours_2021.csv")
    import_returns(data=source.read_bytes())
    return make_user(Role.WORKFORCE_LEAD, organisation=Organisation.objects.get(la_number="383"))


def test_workforce_lead_uploads_fixes_submits_and_downloads_their_report(page, leeds_lead):
    year = latest_reportable_year()
    page.visit("/")
    sign_in(page, leeds_lead.email, TEST_PASSWORD)
    page.get_by_role("link", name="All your returns").click()
    page.wait_for_load_state()
    page.check()

    page.get_by_role("link", name="Upload a CSV file").click()
    page.wait_for_load_state()
    page.check()
    page.set_input_files("#id_file", files=[{"name": "return.csv", "mimeType": "text/csv", "buffer": _csv(year, "-5")}])
    page.get_by_role("button", name="Check and upload").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "Row 2, leavers_fte: Leavers (FTE) cannot be negative." in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    page.check()

    page.set_input_files(
        "#id_file", files=[{"name": "return.csv", "mimeType": "text/csv", "buffer": _csv(year, "60.5")}]
    )
    page.get_by_role("button", name="Check and upload").click()
    page.wait_for_load_state()
    assert "1 new return(s) saved as drafts" in page.locator(".govuk-notification-banner").inner_text()
    page.check()

    page.get_by_role("link", name=f"Check and submit the {year} return").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_role("link", name="Check and submit the return").click()
    page.wait_for_load_state()
    page.check()
    assert page.get_by_label("Leavers (FTE)").input_value() == "60.5"
    page.get_by_role("button", name="Submit the return").click()
    page.wait_for_load_state()
    assert f"Your {year} return has been submitted." in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("main .govuk-tag").first.inner_text() == "Submitted"
    page.check()

    page.visit("/workforce/report/")
    page.locator(".app-chart").first.screenshot(path="/tmp/workforce-1.png")
    page.locator("main table").first.screenshot(path="/tmp/workforce-4.png")
    assert page.locator("svg[role=img]").count() == 8
    # The year just sent is not published yet: a real comparison, never "1 of 1".
    body = page.locator("main").inner_text()
    assert f"have sent a {year} return" in body and "published 2024 figure" in body
    assert "1 of 1\n" not in body and f"published {year} figures" not in body
    if year - 1 > 2024:
        assert page.get_by_role("link", name=f"Send your {year - 1} return").is_visible()
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= 320")  # reflows at 320 px (WCAG 1.4.10)
    page.locator(".app-chart").first.screenshot(path="/tmp/workforce-2.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.get_by_role("table", name="Turnover rate (FTE) by year: the figures in the chart").is_visible()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download as CSV (spreadsheet)").click()
    # Named by council and year, not our number.
    assert csv_download.value.suggested_filename == f"workforce-report-leeds-{year}.csv"
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download as Excel (xlsx)").click()
    assert xlsx_download.value.suggested_filename == f"workforce-report-leeds-{year}.xlsx"

    page.get_by_role("button", name="Prepare a PDF with the charts").click()
    page.wait_for_load_state()
    assert "/jobs/" in page.url
    page.get_by_role("link", name=f"Download workforce-report-leeds-{year}.pdf").wait_for(timeout=30_000)
    page.check()
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name=f"Download workforce-report-leeds-{year}.pdf").click()
    with open(pdf_download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    page.visit("/workforce/forecast/")
    assert "This is a projection" in page.content()

    page.visit("/workforce/authorities/?year=2024&year=2023&region=E13000001")
    assert "Inner London" in page.locator("main").inner_text()
    page.screenshot(path="/tmp/workforce-3.png", full_page=False)
    page.visit("/workforce/statistics/?area=E08000035&measure=turnover_rate_fte&page_size=25")
    assert "Leeds" in page.locator("main table").inner_text()
    assert len(page.checked) >= 12
