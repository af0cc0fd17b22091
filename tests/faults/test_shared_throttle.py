"""Sign-in throttles are counted in the shared cache, so a second web process cannot add guesses of its own."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache

from accounts.models import Role
from tests.factories import TEST_PASSWORD, make_user
from tests.processes import database_url_for_another_process

from .conftest import ROOT

pytestmark = pytest.mark.django_db(transaction=True)

GUESS_FROM_ANOTHER_PROCESS = """
import django; django.setup()
from django.test import Client
client = Client()
for _ in range(5):
    client.post("/accounts/login/", {"login": EMAIL, "password": "wrong-password"})
"""


def test_wrong_passwords_counted_in_one_process_lock_the_pair_in_another(redis_server, settings, client):
    cache_url = f"redis://127.0.0.1:{redis_server.port}/1"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}}
    user = make_user(Role.SOCIAL_WORKER)
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_another_process(),
        "CACHE_URL": cache_url,
    }
    subprocess.run(
        [sys.executable, "-c", f"EMAIL = {user.email!r}\n" + GUESS_FROM_ANOTHER_PROCESS],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert "Too many tries to sign in" in response.content.decode()
    cache.clear()
    assert client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}).status_code == 302
