"""The permission matrix is complete: every URL pattern, and every API operation, has a row in an access table.

The rows live in each app's ``tests/<app>/test_access.py`` as a module-level ``CASES`` list; each of those modules
runs its rows for every role (``parametrize_access``), with objects belonging to another organisation or person in
its ``world``. This test collects every such table, so pages added later are covered by their own app's table, and
fails naming each URL pattern (and each API method) that no row reaches.
"""

import importlib
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import NoReverseMatch, Resolver404

from tests.access import AccessCase

TESTS = Path(__file__).resolve().parent

# Patterns answered by one guard for the whole family: a row reaching any of them proves the guard for all.
FAMILIES = {
    # Every admin view is wrapped by RegulatorAdminSite.admin_view (regulator staff only); the admin rows in
    # tests/accounts/test_access.py check it for every role.
    "admin:": "admin",
    "admin/": "admin",
}

# Found by this test when it was written (the register's API writes were only tested by their own API tests).
# They are listed so the gap is visible, not hidden: add a row for each to tests/regulation/test_access.py and
# delete it here. The test fails if an entry here gains a row, so the list only shrinks.
KNOWN_GAPS: set[str] = set()
KNOWN_API_GAPS: set[tuple[str, str]] = set()


class _Anything:
    """Stands in for the fixtures' objects so a row's URL can be built without a database."""

    def __init__(self, sample: str):
        self._sample = sample

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __getitem__(self, key):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __str__(self):
        return self._sample

    __format__ = lambda self, spec: self._sample  # noqa: E731


SAMPLES = ["1", str(uuid.UUID(int=1)), "E09000001"]


def access_tables() -> dict[str, list[AccessCase]]:
    tables = {}
    for path in sorted(TESTS.glob("*/test_access.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.test_access")
        cases = getattr(module, "CASES", None)
        assert cases, f"{path.relative_to(TESTS.parent)} has no module-level CASES list"
        assert any("parametrize_access" in str(m.kwargs) or m.name == "parametrize" for m in _marks(module)), (
            f"{path.relative_to(TESTS.parent)} does not run its CASES for every role with parametrize_access"
        )
        tables[path.parent.name] = list(cases)
    return tables


def _marks(module):
    """The parametrize marks of every test function in the module (whatever it is called)."""
    tests = [value for name, value in vars(module).items() if name.startswith("test_") and callable(value)]
    return [mark for test in tests for mark in getattr(test, "pytestmark", [])]


def _pattern_key(match) -> str:
    return match.view_name if match.url_name else match.route


def reached_by(case: AccessCase) -> str | None:
    """The pattern a row's URL resolves to, trying a few stand-in ids until one fits the URL's converters."""
    for sample in SAMPLES:
        try:
            url = case.url(_AnyKey(sample))
            return _pattern_key(resolve(urlsplit(url).path))
        except (Resolver404, NoReverseMatch, ValueError, TypeError, KeyError):
            continue
    return None


class _AnyKey(dict):
    def __init__(self, sample):
        super().__init__()
        self._sample = sample

    def __missing__(self, key):
        return _Anything(self._sample)


def every_pattern(patterns=None, prefix="", namespace=None):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part) or None
            yield from every_pattern(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield (name or prefix + str(entry.pattern)), prefix + str(entry.pattern)


def _family(key: str) -> str | None:
    return next((family for prefix, family in FAMILIES.items() if key.startswith(prefix)), None)


def test_every_url_pattern_has_a_row_in_an_access_table():
    covered, unresolved = set(), []
    for app, cases in access_tables().items():
        for case in cases:
            key = reached_by(case)
            if key is None:
                unresolved.append(f"  tests/{app}/test_access.py: {case.name!r}")
            else:
                covered.add(key)
                if _family(key):
                    covered.add(_family(key))
    assert not unresolved, "These access rows do not reach any URL pattern:\n" + "\n".join(unresolved)
    missing = {}
    for key, route in every_pattern():
        if key in covered or (_family(key) and _family(key) in covered):
            continue
        missing.setdefault(key, route)
    closed = sorted(KNOWN_GAPS - set(missing))
    assert not closed, f"These now have access rows: delete them from KNOWN_GAPS in {__name__}: {closed}"
    missing = {key: route for key, route in missing.items() if key not in KNOWN_GAPS}
    assert not missing, (
        f"{len(missing)} URL pattern(s) have no row in any tests/*/test_access.py CASES table. Add an AccessCase "
        "for each (every role is then checked, with another organisation's or person's object):\n"
        + "\n".join(f"  {key}    /{route}" for key, route in sorted(missing.items()))
    )


def test_every_api_operation_has_a_row_for_its_method():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    rows = {}
    for cases in access_tables().values():
        for case in cases:
            key = reached_by(case)
            if key is not None:
                rows.setdefault(key, set()).add(case.method.lower())
    missing = []
    for path, operations in schema["paths"].items():
        key = None
        for value in SAMPLES:  # a numeric id, a UUID (jobs), a code: whichever the route's pattern takes
            sample = path
            for placeholder in ("{id}", "{pk}", "{code}"):
                sample = sample.replace(placeholder, value)
            try:
                key = _pattern_key(resolve(sample))
                break
            except Resolver404:
                continue
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"} and method not in rows.get(key, set()):
                missing.append((method, path, key))
    closed = sorted(KNOWN_API_GAPS - {(method, path) for method, path, _ in missing})
    assert not closed, f"These now have access rows: delete them from KNOWN_API_GAPS in {__name__}: {closed}"
    missing = [
        f"  {method.upper():6} {path}    ({key})"
        for method, path, key in missing
        if (method, path) not in KNOWN_API_GAPS
    ]
    assert not missing, (
        f"{len(missing)} API operation(s) have no access row with that method (AccessCase(..., method=...)):\n"
        + "\n".join(sorted(missing))
    )
