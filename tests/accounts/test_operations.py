import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AuditEvent, Organisation, OrganisationCode, Region, Role, User

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "k" * 20 + "a-long-random-production-secret-for-tests-only-0123456789",
    "DJANGO_ALLOWED_HOSTS": "accreditation.example.gov.uk",
    "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    script = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    assert run_manage("shell", "-c", script, env=PRODUCTION_ENV).stdout.split()[-2:] == ["60", "True"]
    development = {"DATABASE_URL": "sqlite:////tmp/unused.sqlite3"}
    assert run_manage("shell", "-c", script, env=development).stdout.split()[-2:] == ["0", "True"]


@pytest.mark.parametrize(
    ("missing", "message"),
    [("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"), ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must")],
)
def test_production_refuses_to_start_without_secret_key_or_hosts(missing, message):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_cache_each_process_keeps_to_itself():
    result = run_manage("check", env={**PRODUCTION_ENV, "CACHE_URL": "locmemcache://"})
    assert result.returncode != 0
    assert "CACHE_URL must name a shared cache" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_storage(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}


@pytest.mark.django_db
def test_with_the_broker_down_the_node_stays_ready_and_says_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200  # pages still serve; work waits in the outbox
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"].startswith("error")
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_without_storage_the_node_is_not_ready(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": blocked}},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable" and response.json()["checks"]["storage"].startswith("error")


@pytest.mark.django_db
def test_liveness_asks_nothing_of_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_docker_compose_runs_every_service_on_the_same_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    assert "gunicorn config.wsgi" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert services["beat"]["command"].startswith("celery -A config beat")
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
        assert env["DJANGO_ENV"] == "production"
        assert set(services[name]["depends_on"]) >= {"postgres", "redis"}
    # The variables compose sets are the ones settings read.
    settings_source = (ROOT / "config" / "settings.py").read_text()
    for variable in services["web"]["environment"]:
        assert f'"{variable}"' in settings_source, variable


def test_ci_script_installs_chromium_and_starts_services():
    script = (ROOT / ".ci" / "run").read_text()
    assert "apt-get install" in script and "chromium" in script
    assert "pg_ctlcluster --skip-systemctl-redirect" in script and "redis-server --daemonize yes" in script
    assert "make test" in script and "CI=true" in script


@pytest.mark.django_db
def test_seed_demo_loads_every_authority_and_a_user_per_role_and_is_idempotent(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", "--quiet-users", stdout=io.StringIO())
    counts = (
        Organisation.objects.count(),
        OrganisationCode.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    assert Region.objects.count() == 9
    assert Organisation.objects.filter(kind="local_authority").count() == 158
    # Jointly reported councils are separate organisations, and code changes are kept as history.
    assert Organisation.objects.get(la_number="940").name == "North Northamptonshire"
    assert Organisation.objects.get(la_number="941").name == "West Northamptonshire"
    north_yorkshire = Organisation.objects.get(la_number="815")
    assert list(north_yorkshire.ons_codes.values_list("ons_code", flat=True)) == ["E10000023", "E06000065"]
    assert north_yorkshire.current_ons_code == "E06000065"
    assert Organisation.objects.get(la_number="909").is_active is False  # Cumbria, abolished 2023
    assert Organisation.objects.get(la_number="202").region.name == "London"
    for role in Role.values:
        assert User.objects.filter(memberships__role=role).exists(), role
    call_command("seed_demo", "--quiet-users", stdout=io.StringIO())
    assert counts == (
        Organisation.objects.count(),
        OrganisationCode.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_refuses_outside_demo_mode(settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="known passwords"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_api_schema_documents_the_api(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert "/api/v1/me/" in schema["paths"]
    assert "/api/v1/organisations/" in schema["paths"]


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_whose_nonce_matches_the_inline_script(client):
    import re

    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_a_worker_child_grown_by_pdf_making_is_replaced_after_its_task():
    """Celery reads the limit (kilobytes) from settings under its own name; a misspelt setting would be ignored."""
    from config.celery import app

    assert app.conf.worker_max_memory_per_child == 400_000


@pytest.mark.django_db
def test_the_services_postgresql_connections_do_without_jit_compiling():
    """A query over the whole register can pass jit_above_cost while finding a few rows, and the compiling then cost
    more than the query (issue #34): the service's connections turn JIT off, whatever else the URL sets."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
