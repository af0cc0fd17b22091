"""The table-driven permission test every app extends.

Each app's ``tests/<app>/test_access.py`` lists its pages as ``AccessCase`` rows: the URL (built from the
fixtures in ``world``), and which roles may reach it. ``check_access`` signs in as every role in turn
(plus an anonymous visitor and a signed-in person with no role) and asserts each is allowed or refused.

One test runs per row, trying every role in turn: the world is built once for the row rather than once per role,
which is most of the suite's time. Each role's request runs in a savepoint that is rolled back, so a write one role
is allowed to make cannot change what the next role meets, and every refusal is reported, not just the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.models import Role

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"
EVERY_ROLE = [ANONYMOUS, NO_ROLE, *Role.values]
SIGNED_IN = [NO_ROLE, *Role.values]


@dataclass(frozen=True)
class AccessCase:
    name: str
    url: Callable[[dict], str]
    allowed: frozenset | set | list
    method: str = "get"
    data: dict = field(default_factory=dict)
    public: bool = False  # public pages answer anonymous visitors with 200, not a redirect to sign in
    # A write sent without a body: those allowed get past the permission check to the validation error (400).
    allowed_status: tuple = (200, 201, 302)

    def __str__(self) -> str:
        return self.name


ALL_ROLES = "every role"


def check_access(client, world: dict, case: AccessCase, role: str, check: Callable | None = None) -> None:
    """``check(client, world, case, role)`` judges one role's answer; a table with its own way of sending a
    request (JSON bodies, say) passes its own."""
    check = check or _check_role
    if role != ALL_ROLES:
        check(client, world, case, role)
        return
    from django.db import transaction

    failures = []
    for each in EVERY_ROLE:
        client.logout()
        with transaction.atomic():
            try:
                check(client, world, case, each)
            except AssertionError as exc:
                failures.append(str(exc))
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def _check_role(client, world: dict, case: AccessCase, role: str) -> None:
    user = world["users"].get(role)
    if user is not None:
        client.force_login(user)
    url = case.url(world)
    response = getattr(client, case.method)(url, data=case.data)
    allowed = role in case.allowed or case.public
    if allowed:
        assert response.status_code in case.allowed_status, (
            f"{role} should reach {case.name} ({url}): {response.status_code}"
        )
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"], f"{role} was sent to sign in for {case.name}"
    elif role == ANONYMOUS:
        assert response.status_code in (302, 401, 403), f"anonymous reached {case.name}: {response.status_code}"
        if response.status_code == 302:
            assert "login" in response["Location"], f"anonymous was not sent to sign in for {case.name}"
    else:
        assert response.status_code in (403, 404), f"{role} should be refused {case.name}: {response.status_code}"


def parametrize_access(cases: list[AccessCase]):
    import pytest

    return pytest.mark.parametrize(("case", "role"), [(case, ALL_ROLES) for case in cases], ids=[c.name for c in cases])
