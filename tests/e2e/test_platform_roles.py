import pytest

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
    assert page.get_by_role("heading", level=1).inner_text().endswith("Your home page")
    page.check()
    for path in ROLE_PAGES[role]:
        response = page.visit(path)
        assert response.status == 200, path
    assert len(page.checked) >= 3
