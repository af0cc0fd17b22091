"""A signed-in person makes and revokes their own API token on their account page; the key works, then doesn't."""

import pytest
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
