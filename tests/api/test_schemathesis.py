"""schemathesis against /api/schema/: as regulator staff and as a social worker, a bounded number of generated
requests per operation must never give a server error, and every response must match the documented schema.

Runs in-process through the WSGI app, inside the test's database transaction. Every operation is tried, and the
failure lists each operation that failed with schemathesis's reproduction (a curl command).
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 8
CHECKS = [not_a_server_error, response_schema_conformance]
BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The WSGI handler closes database connections after each request, which would end the test's transaction
    (on PostgreSQL); Django's own test client disconnects the same signals."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _failures_as(role) -> list[str]:
    user = make_user(role)
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    failures, tried = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tried += 1

        @given(case=operation.as_strategy())
        @BOUNDED
        def exercise(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            exercise()
        except Exception as exc:
            failures.append(f"--- {operation.label} ---\n{str(exc)[:1500]}")
    assert tried >= 20, f"only {tried} API operations found in the schema"
    return failures


@pytest.mark.parametrize("role", [Role.REGULATOR_STAFF, Role.SOCIAL_WORKER])
def test_generated_requests_never_break_the_api(role):
    failures = _failures_as(role)
    assert not failures, f"{len(failures)} operation(s) failed as {role}:\n" + "\n".join(failures)
