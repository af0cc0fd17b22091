"""Statuses are GOV.UK tags in the colour of what they mean, so "Overdue" never looks like "Done"."""

import pytest

from accounts.templatetags.govuk import status_tag


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        ("Overdue", "govuk-tag--red"),
        ("Action needed", "govuk-tag--red"),
        ("Not met", "govuk-tag--red"),
        ("Due soon", "govuk-tag--yellow"),
        ("Waiting for a decision", "govuk-tag--yellow"),
        ("To do", "govuk-tag--blue"),
        ("Not sent", "govuk-tag--blue"),
        ("Not started", "govuk-tag--blue"),
        ("Draft", "govuk-tag--blue"),
        ("Done", "govuk-tag--green"),
        ("Registered", "govuk-tag--green"),
        ("Paused", "govuk-tag--grey"),
        ("", "govuk-tag--blue"),
    ],
)
def test_each_status_has_its_colour(status, colour):
    assert status_tag(status) == colour


@pytest.mark.django_db
def test_the_home_page_shows_each_task_status_as_a_coloured_tag(client):
    from accounts.home import HomeSection, Task, _home_sections, register_home_section
    from tests.factories import UserFactory

    def section(user):
        return HomeSection("Things", [Task("Late", "/", "", "Overdue"), Task("Finished", "/", "", "Done")])

    register_home_section(section, order=1)
    try:
        client.force_login(UserFactory())
        html = client.get("/").content.decode()
    finally:
        _home_sections[:] = [(o, b) for o, b in _home_sections if b is not section]
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green">Done</strong>' in html
