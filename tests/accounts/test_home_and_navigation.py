"""Each home leads with the person's waiting work, most urgent first; the navigation holds their main role's places
only (one row at 1,280px); signing out is a POST button in the header (issue #36, items 4 and 6)."""

import re

import pytest

from accounts.home import DUE, HOME_TITLES, OVERDUE, WAITING, HomeSection, Task, nav_for, register_home_section
from accounts.models import Role
from tests.factories import MembershipFactory, make_user

pytestmark = pytest.mark.django_db
CASE_PAGE = "/register/cases/12/"


def _headings(html: str) -> list[str]:
    return re.findall(r'<h2 class="govuk-(?:heading-m|summary-card__title)"[^>]*>([^<]+)</h2>', html)


def test_the_home_leads_with_waiting_work_most_urgent_first_and_does_not_repeat_it(client):
    from accounts.home import _home_sections

    def section(user):
        return HomeSection(
            "Things",
            [
                Task("Read the guidance", "/guidance/"),
                Task("Check a draft", "/draft/", "Saved yesterday.", "Draft", urgency=WAITING),
                Task("Confirm employment", "/confirm/", "", "3 to confirm", urgency=DUE),
                Task("Supervision with Tom", "/tom/", "Supervision was due last week.", "Overdue", urgency=OVERDUE),
            ],
        )

    register_home_section(section, order=1)
    try:
        client.force_login(make_user(Role.SOCIAL_WORKER))
        html = client.get("/").content.decode()
    finally:
        _home_sections[:] = [(o, b) for o, b in _home_sections if b is not section]
    headings = _headings(html)
    assert headings[0] == "Waiting for you"
    waiting = html.split('id="waiting-title"')[1].split("</ul>")[0]
    assert waiting.index("Supervision with Tom") < waiting.index("Confirm employment") < waiting.index("Check a draft")
    assert "Supervision was due last week." in waiting  # each says why, or which section it comes from
    assert re.search(
        r'Confirm employment</a>\s*<div id="waiting-\d+-hint" class="govuk-task-list__hint">Things</div>', waiting
    )
    assert "things to do, most urgent first." in html
    things = html.split(">Things</h2>")[1].split("</ul>")[0]
    assert "Read the guidance" in things and "Check a draft" not in things  # not repeated below


def test_a_line_manager_who_is_also_a_social_worker_sees_their_team_before_their_own_registration(client):
    manager = make_user(Role.LINE_MANAGER)
    MembershipFactory(user=manager, organisation=manager.active_memberships[0].organisation, role=Role.SOCIAL_WORKER)
    manager.__dict__.pop("active_memberships", None)
    manager.__dict__.pop("roles", None)
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert f"</span>{HOME_TITLES[Role.LINE_MANAGER]}</h1>" in html
    headings = _headings(html)
    assert headings.index("Registered social workers you employ") < headings.index("Your accreditation pathway")
    assert headings.index("Accreditation") < headings.index("Your accreditation pathway")
    assert [item.label for item in nav_for(manager)] == [
        "Home",
        "Your staff",
        "Accreditation candidates",
        "Early career",
    ]


@pytest.mark.parametrize("role", Role.values)
def test_the_navigation_holds_a_few_places_of_the_main_role_and_never_sign_out(client, role_users, role):
    user = role_users[role]
    labels = [item.label for item in nav_for(user)]
    assert labels[0] == "Home" and len(labels) <= 5
    client.force_login(user)
    html = client.get("/").content.decode()
    menu = html.split('id="navigation"')[1].split("</ul>")[0]
    assert "Sign out" not in menu and "Your account" not in menu
    header = html.split('<header class="govuk-header"')[1].split("</header>")[0]
    assert re.search(r'<form method="post" action="/accounts/logout/"[^>]*>\s*<input type="hidden" name="csrf', header)
    assert '<button type="submit" class="app-header__account-link app-header__account-button">Sign out</button>' in (
        header
    )


def test_the_regulators_navigation_is_five_places_and_the_rest_are_on_their_home(client, role_users):
    regulator = role_users[Role.REGULATOR_STAFF]
    assert [item.label for item in nav_for(regulator)] == ["Home", "Register", "Cases", "Courses", "Accreditation"]
    client.force_login(regulator)
    html = client.get("/").content.decode()
    for moved in ["/audit/", "/register/transfer/", "/early-career/national/", "/workforce/authorities/"]:
        assert f'href="{moved}"' in html, moved


def test_the_page_inside_a_section_keeps_its_navigation_item_marked(client, role_users):
    from accounts.home import nav_links

    regulator = role_users[Role.REGULATOR_STAFF]
    links = {link["label"]: link for link in nav_links(regulator, "/courses/queue/")}
    assert links["Courses"]["current"] and not links["Home"]["current"]
    inside = {link["label"]: link for link in nav_links(regulator, CASE_PAGE)}
    assert inside["Cases"]["active"] and not inside["Cases"]["current"]
    assert not any(link["active"] for label, link in inside.items() if label != "Cases")
    client.force_login(regulator)
    menu = client.get("/courses/queue/").content.decode().split('id="navigation"')[1].split("</ul>")[0]
    assert 'aria-current="page"><strong class="govuk-service-navigation__active-fallback">Courses</strong>' in menu


def test_sign_out_posts_and_signed_out_people_find_sign_in_and_the_public_pages(client, role_users):
    client.force_login(role_users[Role.SOCIAL_WORKER])
    client.post("/accounts/logout/")
    html = client.get("/").content.decode()
    header = html.split('<header class="govuk-header"')[1].split("</header>")[0]
    assert 'href="/accounts/login/">Sign in</a>' in header and "Sign out" not in html
    footer = html.split('<footer class="govuk-footer"')[1]
    assert 'href="/register/check/"' in footer and 'href="/courses/"' in footer
