"""Hostile input across the whole service, found by walking the URL resolver so that a page or API operation added
later is covered on arrival: JSON nested to break the parser or naming a field twice, ids that are not numbers,
empty form posts. Each is answered with a 4xx and its reason (or the form's own errors), never a 500."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve
from django.urls.exceptions import Resolver404

from accounts import safe_json
from accounts.api_parsers import BoundedJSONParser
from accounts.models import Role
from tests.factories import make_user
from tests.regulation.conftest import register
from tests.test_permission_matrix import every_pattern

NESTED = "[" * 1000 + "]" * 1000
PARAMETER = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)")


def _url(route: str, value: str) -> str:
    """A route (path converters or regex groups) as a URL, every parameter given as ``value``."""
    return "/" + PARAMETER.sub(value, route).replace("^", "").replace("$", "").replace("\\", "")


# --- The one reader of outside JSON -----------------------------------------------------------------------------


def test_a_deeply_nested_document_is_refused_before_the_parser_recurses():
    for depth in (1000, 100_000):
        with pytest.raises(safe_json.UnsafeJSON, match="nested too deeply: it can be at most 32 levels"):
            safe_json.loads("[" * depth + "]" * depth)
    assert safe_json.loads("[" * 32 + "]" * 32) is not None


def test_brackets_inside_text_are_not_nesting():
    assert safe_json.loads('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"[[[[["}') == {
        "a": '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["[[[[['
    }


def test_a_name_given_twice_in_any_object_is_refused():
    with pytest.raises(safe_json.UnsafeJSON, match="“b” twice"):
        safe_json.loads('{"a": [{"b": 1, "b": 2}]}')
    assert safe_json.loads('{"a": {"b": 1}, "b": {"a": 2}}') == {"a": {"b": 1}, "b": {"a": 2}}


def test_too_large_and_not_json_are_refused_with_the_reason():
    with pytest.raises(safe_json.UnsafeJSON, match="too large"):
        safe_json.loads(b"[" + b"1," * 600 + b"1]", max_bytes=1000)
    with pytest.raises(safe_json.UnsafeJSON, match="not valid JSON"):
        safe_json.loads("{'single': 'quotes'}")
    with pytest.raises(safe_json.UnsafeJSON, match="not readable text"):
        safe_json.loads(b'{"a": "\xff\xfe\xfd"}')


def _view_classes():
    for _, route in every_pattern():
        try:
            match = resolve(_url(route, "1"))
        except Resolver404:
            continue
        view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
        if view_class is not None and hasattr(view_class, "parser_classes"):
            yield route, view_class


def test_every_api_operation_reads_json_through_the_bounded_parser():
    """So a new endpoint cannot bring back a parser that recurses without limit or keeps the last of two names."""
    checked = 0
    for route, view_class in _view_classes():
        json_parsers = [p for p in view_class.parser_classes if "json" in p.media_type]
        assert json_parsers, route
        assert all(issubclass(p, BoundedJSONParser) for p in json_parsers), f"{route}: {json_parsers}"
        checked += 1
    assert checked > 50  # the walk really found the API


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (NESTED, "nested too deeply"),
        ('{"numbers": ' + NESTED + "}", "nested too deeply"),
        ('{"numbers": ["1"], "numbers": ["2"]}', "“numbers” twice"),
        ('{"numbers": ["' + "1" * 1_100_000 + '"]}', "too large: it can be at most 1,024 KB"),
    ],
    ids=["nested", "nested inside", "a name twice", "too large"],
)
def test_hostile_json_to_the_public_bulk_check_is_a_400_with_the_reason(client, body, reason):
    response = client.post("/api/v1/register/public/bulk/", body, content_type="application/json")
    assert response.status_code == 400
    assert reason in response.json()["detail"]


@pytest.mark.django_db
def test_cpd_through_the_api_refuses_a_nested_body_and_asks_for_the_peer_answer(client, time_machine):
    from tests.regulation.conftest import SPRING

    time_machine.move_to(SPRING, tick=False)
    worker = make_user(Role.SOCIAL_WORKER)
    entry = register(worker, make_user(Role.REGULATOR_STAFF))
    client.force_login(worker)
    url = f"/api/v1/register/entries/{entry.pk}/cpd/"
    nested = client.post(url, NESTED, content_type="application/json")
    assert nested.status_code == 400 and "nested too deeply" in nested.json()["detail"]
    without_answer = client.post(
        url,
        {"title": "Course", "activity_date": "2027-03-01", "learning": "a", "impact": "b"},
        content_type="application/json",
    )
    assert without_answer.status_code == 400
    assert without_answer.json()["discussed_with_peer"] == [
        "Say whether you discussed this activity with a peer (true or false)."
    ]
    assert not entry.cpd_records.exists()


# --- Every route: ids that are not numbers, empty posts ------------------------------------------------------------


def _urls_with_text_ids():
    """Every pattern with a parameter, the parameter given as text: those whose converter refuses text are 404s from
    the resolver; the rest reach their view, which must answer as well as it can."""
    for name, route in every_pattern():
        if not PARAMETER.search(route) or route.startswith("admin/"):
            continue
        yield name, _url(route, "abc")


@pytest.mark.django_db
def test_no_page_or_api_answers_500_to_an_id_that_is_not_a_number():
    staff = make_user(Role.REGULATOR_STAFF)
    failures = []
    for who in ("anonymous", "regulator staff"):
        client = Client(raise_request_exception=False)
        if who != "anonymous":
            client.force_login(staff)
        for name, url in _urls_with_text_ids():
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status >= 500:
                    failures.append(f"{who} {method.upper()} {url} ({name}): {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_an_empty_post_to_the_workforce_return_names_what_is_missing(client):
    lead = make_user(Role.WORKFORCE_LEAD)
    client.force_login(lead)
    response = client.post("/workforce/returns/new/")
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.django_db
def test_a_workforce_csv_over_the_request_cap_says_the_file_is_too_large(client, settings):
    from workforce.models import WorkforceReturn

    settings.MAX_UPLOAD_SIZE = 10_000
    client.force_login(make_user(Role.WORKFORCE_LEAD))
    large = SimpleUploadedFile("return.csv", b"time_period,old_la_code\n" + b"2024,383\n" * 3000, "text/csv")
    response = client.post("/workforce/returns/upload/", {"file": large})
    assert response.status_code == 413 and "The file is too large" in response.content.decode()
    assert "This field is required" not in response.content.decode()
    assert not WorkforceReturn.objects.exists()


@pytest.mark.django_db
def test_a_credential_file_over_the_request_cap_says_the_file_is_too_large(client, settings):
    settings.MAX_UPLOAD_SIZE = 10_000
    large = SimpleUploadedFile("credential.json", b'{"a": "' + b"x" * 20_000 + b'"}', "application/json")
    response = client.post("/verify/credential/", {"file": large})
    assert response.status_code == 413 and "The file is too large" in response.content.decode()
    assert "Paste the credential" not in response.content.decode()


@pytest.mark.django_db
def test_an_api_upload_over_the_request_cap_is_a_413_in_json(client, settings):
    settings.MAX_UPLOAD_SIZE = 10_000
    large = SimpleUploadedFile("credential.json", b"x" * 20_000, "application/json")
    response = client.post("/api/v1/accreditation/verify/", {"credential": large})
    assert response.status_code == 413 and "too large" in response.json()["detail"]
