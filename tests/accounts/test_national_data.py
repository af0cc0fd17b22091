"""generate_national_data at a tiny scale: it runs, the same seed gives the same data, each role's pages render,
and no page's query count grows with the data (issue 34)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AuditEvent, User
from accreditation.models import Attempt, AttemptItem, Candidate, Observation
from regulation.models import CPDRecord, Employment, FitnessToPractiseCase, RegisterEntry
from tests.factories import make_user
from tests.scale_pages import query_counts
from training.models import Enrolment, Review, SupervisionSession


def generate(scale: int, seed: int = 7, *, force: bool = False) -> str:
    out = io.StringIO()
    call_command("generate_national_data", scale=scale, seed=seed, force=force, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """What a run made: counts of each kind of record, and who the first people are."""
    counted = [
        RegisterEntry,
        CPDRecord,
        Employment,
        FitnessToPractiseCase,
        Candidate,
        Attempt,
        AttemptItem,
        Observation,
        Enrolment,
        SupervisionSession,
        Review,
        AuditEvent,
        User,
    ]
    return {
        "counts": {model.__name__: model.objects.count() for model in counted},
        "stages": sorted(Candidate.objects.values_list("registration_number", "stage", "status")),
        "first names": list(RegisterEntry.objects.order_by("registration_number").values_list("first_name")[:40]),
        "enrolments": list(Enrolment.objects.order_by("registration_number").values_list("status", "employer")[:40]),
    }


@pytest.mark.django_db
def test_refuses_a_database_holding_people_unless_forced():
    make_user(None, email="someone.real@example.com")
    with pytest.raises(CommandError, match=r"already holds 1 users.*public register search.*--force"):
        generate(20)
    assert not RegisterEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_makes_the_same_data_and_every_role_page_renders():
    from accreditation.services.pathway import ensure_standards
    from training.services import ensure_programmes

    # Both runs start from a database just flushed: tests before this one may have moved its id sequences on.
    call_command("flush", "--no-input", verbosity=0)
    ensure_standards()
    ensure_programmes()
    output = generate(60)
    assert "Generated a national dataset at scale 60 (seed 7)" in output
    first = snapshot()
    assert first["counts"]["RegisterEntry"] >= 60
    assert {stage for _, stage, _ in first["stages"]} >= {"endorsement", "knowledge", "observation", "decision"}
    assert {status for _, _, status in first["stages"]} >= {"active", "accredited", "declined", "withdrawn"}
    assert first["counts"]["AttemptItem"] > 0 and first["counts"]["Review"] > 0
    pages = query_counts()
    assert {page: status for page, (status, _) in pages.items() if status != 200} == {}

    call_command("flush", "--no-input", verbosity=0)
    ensure_standards()
    ensure_programmes()
    generate(60)
    assert snapshot() == first


@pytest.mark.django_db
def test_no_page_costs_more_queries_with_more_data():
    generate(30)
    small = query_counts()
    generate(300, seed=8, force=True)
    assert RegisterEntry.objects.count() > 300
    large = query_counts()
    assert {page: status for page, (status, _) in large.items() if status != 200} == {}
    grown = {page: (small[page][1], large[page][1]) for page in small if large[page][1] != small[page][1]}
    assert grown == {}, "queries per request, small → large data: " + repr(grown)
