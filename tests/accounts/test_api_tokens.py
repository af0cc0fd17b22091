"""A signed-in person makes and revokes their own API token on their account page; the key works, then doesn't."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.models import AuditEvent, Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_create_use_replace_and_revoke_an_api_token(client):
    user = make_user(Role.REGULATOR_STAFF)
    client.force_login(user)
    assert "Create an API token" in client.get("/account/").content.decode()
    response = client.post("/account/api-token/")
    page = response.content.decode()
    key = Token.objects.get(user=user).key
    assert response.status_code == 200 and key in page and "will not be shown again" in page
    assert "no-store" in response["Cache-Control"]
    assert all(key not in morsel.value for morsel in response.cookies.values())  # never in the messages cookie
    assert key not in client.get("/account/").content.decode()  # shown once only
    client.logout()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    client.force_login(user)
    client.post("/account/api-token/")
    new_key = Token.objects.get(user=user).key
    assert new_key != key
    client.post("/account/api-token/revoke/")
    assert not Token.objects.filter(user=user).exists()
    client.logout()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {new_key}").status_code in (401, 403)
    actions = list(AuditEvent.objects.filter(action__startswith="api_token").values_list("action", flat=True))
    assert sorted(actions) == ["api_token_created", "api_token_created", "api_token_revoked"]
    assert not AuditEvent.objects.filter(changes__icontains=key).exists()


def test_a_get_does_not_create_a_token(client):
    user = make_user(Role.SOCIAL_WORKER)
    client.force_login(user)
    assert client.get("/account/api-token/").status_code == 405
    assert not Token.objects.exists()


def test_regulator_staff_see_who_holds_a_token_never_its_key_and_can_revoke_it_on_the_record(client):
    """A key read in the administration would let staff act as its holder through the API: the list, the record,
    its delete page and a search show who holds one and since when, and none of them the key."""
    holder = make_user(Role.SOCIAL_WORKER, email="holder@example.com")
    key = Token.objects.create(user=holder).key
    staff = make_user(Role.REGULATOR_STAFF)
    client.force_login(staff)
    base = "/admin/accounts/apitoken/"

    assert "/admin/accounts/apitoken/" in client.get("/admin/").content.decode()  # so a leaked key can be revoked
    for path in (base, f"{base}?q=holder", f"{base}{holder.pk}/change/", f"{base}{holder.pk}/delete/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert key not in page.content.decode(), path
    assert "holder@example.com" in client.get(base).content.decode()
    assert client.get(f"{base}add/").status_code == 403  # nobody makes a token for someone else
    assert 'name="_save"' not in client.get(f"{base}{holder.pk}/change/").content.decode()

    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    client.post(f"{base}{holder.pk}/delete/", {"post": "yes"})

    assert not Token.objects.filter(user=holder).exists()
    client.logout()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (401, 403)
    event = AuditEvent.objects.get(action="api_token_revoked")
    assert (event.object_id, event.actor_id) == (str(holder.pk), staff.pk)


def test_nobody_but_regulator_staff_sees_the_tokens_in_the_administration_and_drfs_own_admin_is_not_there(client):
    holder = make_user(Role.SOCIAL_WORKER)
    Token.objects.create(user=holder)
    client.force_login(holder)
    assert client.get("/admin/accounts/apitoken/").status_code == 403
    client.force_login(make_user(Role.REGULATOR_STAFF))
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404  # it listed every key
