import pytest

from accounts.home import HOME_TITLES
from accounts.models import Notification, Role
from tests.access import EVERY_ROLE, SIGNED_IN, AccessCase, check_access, parametrize_access
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(role_users, django_capture_on_commit_callbacks, settings):
    from accounts.jobs import start_job

    # The test client asks from 127.0.0.1, which /metrics lets in by default: here nobody's address is listed, so
    # the row shows no session, of any role, opens it (tests/accounts/test_metrics.py tests the address and token).
    settings.METRICS_ALLOWED_IPS = []

    owner = role_users[Role.REGULATOR_STAFF]
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="audit_export", title="Audit log download", by=owner)
    other_user = make_user(Role.SOCIAL_WORKER)
    message = Notification.objects.create(
        key="test:message",
        event="regulation/refused",
        recipient=role_users[Role.SOCIAL_WORKER],
        email=role_users[Role.SOCIAL_WORKER].email,
        subject="A message",
        body="For the social worker only.\n",
    )
    return {
        "message": message,
        "users": role_users,
        "job": job,
        "other_user": other_user,
        "other_organisation": other_user.active_memberships[0].organisation,
    }


CASES = [
    AccessCase("start or home", lambda w: "/", EVERY_ROLE, public=True),
    AccessCase("sign in", lambda w: "/accounts/login/", EVERY_ROLE, public=True),
    AccessCase("accessibility", lambda w: "/accessibility/", EVERY_ROLE, public=True),
    AccessCase("health", lambda w: "/healthz", EVERY_ROLE, public=True),
    AccessCase("liveness", lambda w: "/healthz/live", EVERY_ROLE, public=True),
    AccessCase("your account", lambda w: "/account/", SIGNED_IN),
    AccessCase("your messages", lambda w: "/messages/", SIGNED_IN),
    AccessCase("choose your reminders", lambda w: "/messages/reminders/", SIGNED_IN),
    AccessCase("one of your messages", lambda w: f"/messages/{w['message'].pk}/", {Role.SOCIAL_WORKER}),
    AccessCase("audit log", lambda w: "/audit/", {Role.REGULATOR_STAFF}),
    AccessCase("service health", lambda w: "/service-health/", {Role.REGULATOR_STAFF}),
    AccessCase("metrics (listed addresses or a token only)", lambda w: "/metrics", set()),
    AccessCase("job page", lambda w: f"/jobs/{w['job'].pk}/", {Role.REGULATOR_STAFF}),
    AccessCase("job download", lambda w: f"/jobs/{w['job'].pk}/download/", {Role.REGULATOR_STAFF}),
    AccessCase("admin", lambda w: "/admin/", {Role.REGULATOR_STAFF}),
    AccessCase("admin organisations", lambda w: "/admin/accounts/organisation/", {Role.REGULATOR_STAFF}),
    AccessCase("admin audit events", lambda w: "/admin/accounts/auditevent/", {Role.REGULATOR_STAFF}),
    AccessCase(
        "another person's history",
        lambda w: f"/history/accounts/user/{w['other_user'].pk}/",
        {Role.REGULATOR_STAFF},
    ),
    AccessCase("API: me", lambda w: "/api/v1/me/", SIGNED_IN),
    AccessCase("API: organisations", lambda w: "/api/v1/organisations/", SIGNED_IN),
    AccessCase("API: job", lambda w: f"/api/v1/jobs/{w['job'].pk}/", {Role.REGULATOR_STAFF}),
    AccessCase("API schema", lambda w: "/api/schema/", EVERY_ROLE, public=True),
    AccessCase("create your API token", lambda w: "/account/api-token/", SIGNED_IN, method="post"),
    AccessCase("revoke your API token", lambda w: "/account/api-token/revoke/", SIGNED_IN, method="post"),
    AccessCase("API docs", lambda w: "/api/docs/", EVERY_ROLE, public=True),
    AccessCase("API reference", lambda w: "/api/redoc/", EVERY_ROLE, public=True),
    AccessCase("API root", lambda w: "/api/v1/", SIGNED_IN),
    AccessCase("API: my jobs", lambda w: "/api/v1/jobs/", SIGNED_IN),
    AccessCase(
        "API: another organisation",
        lambda w: f"/api/v1/organisations/{w['other_organisation'].pk}/",
        {Role.REGULATOR_STAFF},
    ),
    AccessCase("privacy", lambda w: "/privacy/", EVERY_ROLE, public=True),
    AccessCase(
        "admin: another person", lambda w: f"/admin/accounts/user/{w['other_user'].pk}/change/", {Role.REGULATOR_STAFF}
    ),
    # Sign-in pages (django-allauth): public ones answer everybody, the rest need a signed-in person.
    AccessCase("sign out", lambda w: "/accounts/logout/", EVERY_ROLE, public=True),
    AccessCase("account inactive", lambda w: "/accounts/inactive/", EVERY_ROLE, public=True),
    AccessCase("create an account", lambda w: "/accounts/signup/", EVERY_ROLE, public=True),
    AccessCase("verification sent", lambda w: "/accounts/confirm-email/", EVERY_ROLE, public=True),
    AccessCase("confirm email (bad link)", lambda w: "/accounts/confirm-email/bogus/", EVERY_ROLE, public=True),
    AccessCase("reset password", lambda w: "/accounts/password/reset/", EVERY_ROLE, public=True),
    AccessCase("reset password sent", lambda w: "/accounts/password/reset/done/", EVERY_ROLE, public=True),
    AccessCase("reset from key (bad link)", lambda w: "/accounts/password/reset/key/1-bogus/", EVERY_ROLE, public=True),
    AccessCase("reset from key done", lambda w: "/accounts/password/reset/key/done/", EVERY_ROLE, public=True),
    AccessCase("confirm sign-in code", lambda w: "/accounts/login/code/confirm/", SIGNED_IN),
    AccessCase("enter your password again", lambda w: "/accounts/reauthenticate/", SIGNED_IN),
    AccessCase("email addresses", lambda w: "/accounts/email/", SIGNED_IN),
    AccessCase("change password", lambda w: "/accounts/password/change/", SIGNED_IN),
    AccessCase("set password", lambda w: "/accounts/password/set/", SIGNED_IN),
    AccessCase("two-factor settings", lambda w: "/accounts/2fa/", SIGNED_IN),
    AccessCase("two-factor code at sign-in", lambda w: "/accounts/2fa/authenticate/", SIGNED_IN),
    AccessCase("two-factor again", lambda w: "/accounts/2fa/reauthenticate/", SIGNED_IN),
    AccessCase("set up authenticator", lambda w: "/accounts/2fa/totp/activate/", SIGNED_IN),
    AccessCase(
        "remove authenticator", lambda w: "/accounts/2fa/totp/deactivate/", {Role.ASSESSOR, Role.REGULATOR_STAFF}
    ),
    AccessCase("generate recovery codes", lambda w: "/accounts/2fa/recovery-codes/generate/", SIGNED_IN),
    # Nobody in this world has recovery codes yet, so there are none to see or download.
    AccessCase("recovery codes", lambda w: "/accounts/2fa/recovery-codes/", set()),
    AccessCase("download recovery codes", lambda w: "/accounts/2fa/recovery-codes/download/", set()),
]


@parametrize_access(CASES)
def test_each_role_is_allowed_or_refused(client, world, case, role):
    check_access(client, world, case, role)


def test_a_person_can_see_their_own_history(client, role_users):
    user = role_users[Role.SOCIAL_WORKER]
    client.force_login(user)
    assert client.get(f"/history/accounts/user/{user.pk}/").status_code == 200


def test_workforce_lead_sees_only_their_own_authority_in_the_api(client, role_users):
    lead = role_users[Role.WORKFORCE_LEAD]
    client.force_login(lead)
    names = [o["name"] for o in client.get("/api/v1/organisations/").json()["results"]]
    assert names == [lead.active_memberships[0].organisation.name]


def test_regulator_staff_see_every_organisation_in_the_api(client, role_users):
    client.force_login(role_users[Role.REGULATOR_STAFF])
    assert client.get("/api/v1/organisations/").json()["count"] == len(role_users) - 1


@pytest.mark.parametrize("role", Role.values)
def test_each_role_has_a_home_page_saying_what_comes_next(client, role_users, role):
    client.force_login(role_users[role])
    body = client.get("/").content.decode()
    # The heading says which home it is (the person's main role), under their name.
    assert f"</span>{HOME_TITLES[role]}</h1>" in body
    assert Role(role).label in body


def test_home_page_costs_a_fixed_number_of_queries(client, role_users, django_assert_max_num_queries):
    client.force_login(role_users[Role.REGULATOR_STAFF])
    # Session, user and memberships, then about one query per app's home section (register, courses, workforce,
    # pathway's bank, moderation and decisions with credentials to re-issue, early career): the count grows with the
    # sections, never with the data.
    with django_assert_max_num_queries(19):
        client.get("/")


def test_one_person_can_hold_several_roles_and_sees_each(client):
    from accounts import services
    from tests.factories import LocalAuthorityFactory

    person = make_user(Role.SOCIAL_WORKER)
    council = LocalAuthorityFactory(name="Leeds")
    services.grant_membership(user=person, organisation=council, role=Role.LINE_MANAGER, by=None, reason="Promoted")
    client.force_login(person)
    body = client.get("/").content.decode()
    assert "Social worker at" in body and "Line manager at Leeds" in body
    assert person.roles == {Role.SOCIAL_WORKER, Role.LINE_MANAGER}
