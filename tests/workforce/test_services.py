"""Drafts, submissions, corrections and uploads: every rule refuses with the reason, and nothing is saved."""

from decimal import Decimal

import pytest

from accounts.models import AuditEvent, Role
from accounts.services import ServiceError
from tests.factories import make_user
from workforce import services
from workforce.models import ReturnVersion, WorkforceReturn
from workforce.validation import ReturnProblems

from .factories import GOOD, council_with_lead, csv_text, row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _november_2024(time_machine):
    """The 2024 return (snapshot 30 September 2024) is due; 2025 is still in the future."""
    time_machine.move_to("2024-11-15 10:00", tick=False)


@pytest.fixture
def leeds():
    return council_with_lead()


def test_a_draft_can_be_saved_incomplete_and_submitted_later(leeds):
    _, unit, lead = leeds
    draft = services.save_draft(unit=unit, year=2024, raw={"inpost_fte": "100"}, by=lead)
    assert draft.status == "draft" and draft.inpost_fte == Decimal("100") and draft.cases is None
    submitted = services.submit_return(unit=unit, year=2024, raw=GOOD, by=lead)
    assert submitted.pk == draft.pk and submitted.status == "submitted" and submitted.version == 2
    assert list(ReturnVersion.objects.filter(workforce_return=draft).values_list("status", flat=True)) == [
        "submitted",
        "draft",
    ]
    assert AuditEvent.objects.for_object(draft).filter(action="submitted").exists()


def test_submitting_needs_every_count(leeds):
    _, unit, lead = leeds
    with pytest.raises(ReturnProblems) as error:
        services.submit_return(unit=unit, year=2024, raw={**GOOD, "cases": ""}, by=lead)
    assert [p.column for p in error.value.problems] == ["cases"]
    assert not WorkforceReturn.objects.exists()


def test_a_submitted_return_is_corrected_with_a_reason_keeping_every_version(leeds):
    _, unit, lead = leeds
    ret = services.submit_return(unit=unit, year=2024, raw=GOOD, by=lead)
    with pytest.raises(ServiceError, match="Say why"):
        services.correct_return(workforce_return=ret, raw={**GOOD, "leavers_fte": "16"}, by=lead, reason=" ")
    with pytest.raises(ServiceError, match="already been submitted"):
        services.submit_return(unit=unit, year=2024, raw=GOOD, by=lead)
    with pytest.raises(ServiceError, match="Nothing has changed"):
        services.correct_return(workforce_return=ret, raw=GOOD, by=lead, reason="Typo")
    corrected = services.correct_return(
        workforce_return=ret, raw={**GOOD, "leavers_fte": "16"}, by=lead, reason="HR data late"
    )
    assert corrected.version == 2 and corrected.leavers_fte == Decimal("16")
    first, second = ReturnVersion.objects.filter(workforce_return=ret).order_by("number")
    assert first.values["leavers_fte"] == "15.2" and second.values["leavers_fte"] == "16"
    assert second.reason == "HR data late"
    event = AuditEvent.objects.for_object(ret).filter(action="corrected").get()
    assert event.changes["counts"] == {"leavers_fte": ["15.2", "16"]} and event.reason == "HR data late"


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"inpost_fte": "-1"}, "inpost_fte", "cannot be negative"),
        ({"cases": "lots"}, "cases", "must be a number"),
        ({"cases": "12.5"}, "cases", "whole number"),
        ({"leavers_fte": "200"}, "leavers_fte", "more than everyone who could have left"),
        ({"case_holders_fte": "150"}, "case_holders_fte", "cannot be more than the FTE in post"),
        ({"working_days_lost_fte": "40000"}, "working_days_lost_fte", "could work in a year"),
        ({"inpost_fte": "90000"}, "inpost_fte", "not plausible"),
    ],
)
def test_each_bad_count_is_refused_by_column(leeds, changes, column, message):
    _, unit, lead = leeds
    with pytest.raises(ReturnProblems) as error:
        services.submit_return(unit=unit, year=2024, raw={**GOOD, **changes}, by=lead)
    assert any(p.column == column and message in p.message for p in error.value.problems), error.value.problems
    assert not WorkforceReturn.objects.exists()


def test_a_future_year_is_refused(leeds):
    _, unit, lead = leeds
    with pytest.raises(ReturnProblems, match="2025 is in the future"):
        services.submit_return(unit=unit, year=2025, raw=GOOD, by=lead)


def test_a_lead_cannot_send_another_authoritys_return(leeds):
    _, unit, _ = leeds
    _, _, other_lead = council_with_lead("384", "Wakefield")
    with pytest.raises(ServiceError, match="your own authority"):
        services.submit_return(unit=unit, year=2024, raw=GOOD, by=other_lead)
    with pytest.raises(ServiceError, match="your own authority"):
        services.save_draft(unit=unit, year=2024, raw=GOOD, by=make_user(Role.REGULATOR_STAFF))


def test_upload_saves_drafts_when_every_row_is_valid(leeds):
    _, _unit, lead = leeds
    counts = services.upload_returns(data=csv_text([row(2023), row(2024)]).encode(), by=lead)
    assert counts == {"created": 2, "corrected": 0, "drafts_updated": 0, "unchanged": 0}
    assert set(WorkforceReturn.objects.values_list("year", "status")) == {(2023, "draft"), (2024, "draft")}


def test_upload_lists_every_problem_by_row_and_column_and_saves_nothing(leeds):
    _, _, lead = leeds
    council_with_lead("384", "Wakefield")
    data = csv_text(
        [
            row(2023, inpost_fte="-3"),
            row(2023),  # duplicate of row 2's authority and year
            row(2024, la="384"),  # not theirs
            row(2026, cases="abc"),
        ]
    ).encode()
    with pytest.raises(ReturnProblems) as error:
        services.upload_returns(data=data, by=lead)
    found = {(p.row, p.column) for p in error.value.problems}
    assert {(2, "inpost_fte"), (3, "old_la_code"), (4, "old_la_code"), (5, "time_period"), (5, "cases")} <= found
    assert not WorkforceReturn.objects.exists()


def test_upload_refuses_missing_columns_by_name(leeds):
    _, _, lead = leeds
    text = csv_text([row(2024)], columns=["time_period", "old_la_code", "inpost_fte"])
    with pytest.raises(ReturnProblems) as error:
        services.upload_returns(data=text.encode(), by=lead)
    assert {p.column for p in error.value.problems} == set(GOOD) - {"inpost_fte"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_upload_accepts_utf8_with_or_without_bom_and_excel_csv(leeds, encoding):
    _, _, lead = leeds
    text = csv_text(
        [{**row(2024), "la_name": "Leeds – Café"}], columns=["time_period", "old_la_code", "la_name", *GOOD]
    )
    assert services.upload_returns(data=text.encode(encoding), by=lead)["created"] == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04binary-xlsx", "not a CSV file"),
        (b"\x00\x01\x02", "not a CSV file"),
        (b"", "empty"),
        (b"time_period,old_la_code," + ",".join(GOOD).encode() + b"\n", "only a header"),
    ],
)
def test_upload_refuses_files_that_are_not_returns(leeds, data, message):
    _, _, lead = leeds
    with pytest.raises(ReturnProblems, match=message):
        services.upload_returns(data=data, by=lead)


def test_uploading_over_a_submitted_return_needs_a_reason_then_corrects_it(leeds):
    _, unit, lead = leeds
    services.submit_return(unit=unit, year=2024, raw=GOOD, by=lead)
    data = csv_text([row(2024, leavers_fte="17")]).encode()
    with pytest.raises(ReturnProblems, match="say why"):
        services.upload_returns(data=data, by=lead)
    assert services.upload_returns(data=data, by=lead, reason="Late leavers")["corrected"] == 1
    ret = WorkforceReturn.objects.get()
    assert ret.status == "submitted" and ret.version == 2 and ret.leavers_fte == Decimal("17")


def test_symbols_are_kept_and_never_become_zero(leeds):
    """The operators' load of a published file keeps the Department's symbols (a council cannot enter them)."""
    services.import_returns(data=csv_text([row(2024, agency_fte="x", agency_cover_fte="c")]).encode())
    ret = WorkforceReturn.objects.get(year=2024)
    assert ret.agency_fte is None and ret.agency_fte_symbol == "x"
    assert ret.get_value("agency_cover_fte") == "c"


def test_messages_keep_fte_in_capitals(leeds):
    _, unit, lead = leeds
    with pytest.raises(ReturnProblems) as problems:
        services.submit_return(unit=unit, year=2024, raw={**GOOD, "leavers_fte": ""}, by=lead)
    assert "Enter leavers (FTE)." in str(problems.value)


def test_a_council_reporting_jointly_cannot_also_report_alone():
    from workforce.reference import units_by_code

    north, _, lead = council_with_lead("940", "North Northamptonshire")
    council_with_lead("941", "West Northamptonshire", region=north.region)
    joint = units_by_code({"940 / 941"})["940 / 941"]
    services.submit_return(unit=joint, year=2024, raw=GOOD, by=lead)
    alone = units_by_code({"940"})["940"]
    with pytest.raises(ServiceError, match="already has a 2024 return"):
        services.submit_return(unit=alone, year=2024, raw=GOOD, by=lead)
