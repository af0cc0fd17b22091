"""Helpers for driving GOV.UK components in the browser tests, as a person would."""

import datetime


def fill_date(page, legend: str, day: datetime.date):
    """Fill a GOV.UK date input (day, month and year boxes), found by its legend."""
    group = page.locator("fieldset", has=page.locator("legend", has_text=legend))
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fill_evidence_and_declarations(page):
    """The application's uploads and declarations: two PDFs and "No" to each declaration."""
    page.get_by_label("Your qualification certificate").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Proof of identity").set_input_files(
        {"name": "passport.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    for question in ("health condition", "conduct or character", "convictions, cautions"):
        page.get_by_role("group", name=question).get_by_label("No", exact=True).check()


def send_application(page, screenshot: str | None = None):
    """Continue to "Check your answers" (checked with axe), accept the declaration and send the application."""
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before sending your application"
    page.check()
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
    page.get_by_label("I confirm that the information I have given is true and complete").check()
    page.get_by_role("button", name="Accept and send").click()
    page.wait_for_load_state()
    page.check()
