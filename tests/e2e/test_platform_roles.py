import pytest

from accounts.home import HOME_TITLES
from accounts.models import Role
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROLE_PAGES = {
    Role.SOCIAL_WORKER: ["/account/"],
    Role.LINE_MANAGER: ["/account/"],
    Role.ASSESSOR: ["/account/", "/accounts/2fa/"],
    Role.WORKFORCE_LEAD: ["/account/"],
    Role.COURSE_LEAD: ["/account/"],
    Role.REGULATOR_STAFF: ["/account/", "/audit/", "/accounts/2fa/"],
}


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_each_role_signs_in_and_every_page_passes_axe(page, role):
    user = make_user(role, email=f"{role}@example.com")
    needs_code = role in (Role.ASSESSOR, Role.REGULATOR_STAFF)
    page.visit("/")
    sign_in(page, user.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET if needs_code else None)
    assert page.get_by_role("heading", level=1).inner_text().endswith(HOME_TITLES[role])
    page.check()
    # The service navigation is one row at 1,280px, and signing out is a button in the header, not a menu item.
    page.set_viewport_size({"width": 1280, "height": 800})
    rows = page.locator("#navigation > li").evaluate_all("items => new Set(items.map(li => li.offsetTop)).size")
    assert rows == 1
    assert page.get_by_role("banner").get_by_role("button", name="Sign out").count() == 1
    assert page.get_by_role("navigation", name="Menu").get_by_text("Sign out").count() == 0
    nav_links = page.locator("#navigation a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for path in [*nav_links, *ROLE_PAGES[role]]:
        if path == "/accounts/logout/":
            continue
        response = page.visit(path)
        assert response.status == 200, path
    assert len(page.checked) >= 3 + len(nav_links) - 1


def test_wrong_password_error_summary_takes_focus_and_passes_axe(page):
    user = make_user(Role.SOCIAL_WORKER)
    page.visit("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "Enter the email address and password for your account" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.title().startswith("Error: ")
    page.check()


def test_account_form_with_every_field_wrong_shows_each_error_without_javascript(browser, live_server):
    user = make_user(Role.SOCIAL_WORKER, first_name="Sam", last_name="Okafor")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto("/accounts/login/")
        plain.get_by_label("Email address").fill(user.email)
        plain.get_by_label("Password").fill(TEST_PASSWORD)
        plain.get_by_role("button", name="Sign in", exact=True).click()
        plain.goto("/account/")
        plain.get_by_label("First name").fill("")
        plain.get_by_label("Last name").fill("   ")
        plain.get_by_role("button", name="Save your name").click()
        errors = plain.locator(".govuk-error-summary__list li").all_inner_texts()
        assert len(errors) == 2
        user.refresh_from_db()
        assert user.first_name == "Sam"
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", ["/", "/accounts/signup/", "/accounts/password/reset/", "/accessibility/", "/privacy/", "/no-such-page/"]
)
def test_public_pages_pass_axe(page, path):
    response = page.visit(path)
    assert response.status == (404 if path == "/no-such-page/" else 200)


def test_api_documentation_renders_under_the_content_security_policy(page):
    errors = []
    page.page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.page.goto(page.base_url + "/api/docs/")
    page.page.wait_for_selector(".swagger-ui .info")
    assert "Social work accreditation API" in page.page.locator(".swagger-ui .info").inner_text()
    assert errors == []
