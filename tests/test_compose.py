"""docker-compose.yml has the shape `make cluster` rehearses, and deploy/haproxy.cfg is the rehearsal's balancer.

No Docker engine runs in CI, so this reads the files: the compose file's services and the HAProxy configuration
(checked by haproxy itself when it is installed, as it is wherever `make cluster` runs).
"""

import importlib.util
import re
import shutil
import subprocess  # nosec B404: runs haproxy -c on a file in the repository
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def replicas(service: dict) -> int:
    return service.get("deploy", {}).get("replicas", 1)


def environment(service: dict) -> dict:
    return service.get("environment", {})


def test_two_web_replicas_two_workers_and_one_beat(compose):
    services = compose["services"]
    assert replicas(services["web"]) == 2
    assert "gunicorn" in services["web"]["command"]
    assert replicas(services["worker"]) == 2
    assert "celery -A config worker" in services["worker"]["command"]
    beats = [s for s in services.values() if "celery -A config beat" in str(s.get("command", ""))]
    assert len(beats) == 1 and replicas(beats[0]) == 1


def test_web_reads_from_the_standby_and_everyone_writes_to_the_primary(compose):
    services = compose["services"]
    assert "@postgres-standby:5432/" in environment(services["web"])["DATABASE_REPLICA_URL"]
    for name in ("web", "worker", "beat", "migrate"):
        assert "@postgres:5432/" in environment(services[name])["DATABASE_URL"], name
    assert "redis://redis:" in environment(services["web"])["CELERY_BROKER_URL"]


def test_the_primary_streams_to_a_hot_standby_made_by_pg_basebackup(compose):
    services = compose["services"]
    primary, standby = services["postgres"], services["postgres-standby"]
    assert primary["image"].startswith("postgres:") and standby["image"] == primary["image"]
    assert "wal_level=replica" in primary["command"]
    init = [v for v in primary["volumes"] if "/docker-entrypoint-initdb.d/" in v]
    script = (ROOT / init[0].split(":")[0]).read_text()
    assert "WITH REPLICATION LOGIN" in script and "host replication replicator" in script
    assert standby["depends_on"]["postgres"]["condition"] == "service_healthy"
    entry = [v for v in standby["volumes"] if v.endswith(":/standby.sh:ro")]
    standby_script = (ROOT / entry[0].split(":")[0]).read_text()
    assert 'pg_basebackup -h "$PRIMARY_HOST"' in standby_script and " -R " in standby_script
    assert 'if [ ! -s "$PGDATA/PG_VERSION" ]' in standby_script  # only when its data directory is empty
    assert "hot_standby=on" in standby_script
    assert environment(standby)["PRIMARY_HOST"] == "postgres"
    # each server keeps its own data
    assert primary["volumes"][0].split(":")[0] != standby["volumes"][0].split(":")[0]


def test_web_worker_and_beat_share_one_media_volume(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        assert "media:/app/var/media" in services[name]["volumes"], name
        assert environment(services[name])["MEDIA_ROOT"] == "/app/var/media"
    assert "media" in compose["volumes"]


def test_migrations_run_once_before_web_and_workers(compose):
    services = compose["services"]
    assert "migrate" in services["migrate"]["command"] and replicas(services["migrate"]) == 1
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "manage.py migrate" not in str(services[name]["command"])


def test_the_balancer_health_checks_the_web_replicas(compose):
    balancer = compose["services"]["balancer"]
    assert balancer["image"].startswith("haproxy:")
    assert "./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in balancer["volumes"]
    assert "8000:8000" in balancer["ports"]
    assert "ports" not in compose["services"]["web"]  # only through the balancer
    cfg = HAPROXY_CFG.read_text()
    assert "option httpchk GET /healthz" in cfg
    server = re.search(r"^\s*server-template web (\d+) web:8000 (.*)$", cfg, re.M)
    assert server and int(server.group(1)) == replicas(compose["services"]["web"])
    assert "check" in server.group(2) and "maxconn 8" in server.group(2) and "init-addr none" in server.group(2)


def directives(text: str) -> set[str]:
    lines = (line.split("#")[0].strip() for line in text.splitlines())
    return {line for line in lines if line and not line.startswith(("server ", "server-template ", "bind "))}


def test_the_balancer_config_has_every_directive_of_the_rehearsal():
    spec = importlib.util.spec_from_file_location("cluster", ROOT / "scripts" / "cluster.py")
    cluster = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("cluster", cluster)  # its dataclasses look themselves up there
    spec.loader.exec_module(cluster)
    rehearsal = directives(cluster.balancer_config("127.0.0.1:28000", "    server web1 127.0.0.1:28001 check"))
    missing = rehearsal - directives(HAPROXY_CFG.read_text())
    assert not missing, f"deploy/haproxy.cfg lacks what scripts/cluster.py sets: {sorted(missing)}"
    for needed in ("option redispatch 1", "retry-on conn-failure empty-response response-timeout"):
        assert needed in rehearsal


def test_haproxy_accepts_the_config():
    haproxy = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if haproxy is None:
        pytest.skip("haproxy is not installed")
    result = subprocess.run(  # nosec B603: fixed arguments
        [haproxy, "-c", "-f", str(HAPROXY_CFG)], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
