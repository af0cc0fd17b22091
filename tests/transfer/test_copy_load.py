"""Loading with PostgreSQL's COPY (``copy_in``) gives what the portable (ORM) load gives, byte for byte on the way out
again, and a row found wrong midway — by the checks or by the database — leaves nothing loaded."""

import csv
import io
import json

import pytest

from accounts.models import Organisation, Region, User
from regulation.models import Annotation, RegisterEntry, RegistrationNumber, StatusChange, TransferredId
from regulation.transfer import importer
from regulation.transfer.importer import TransferRefused, import_bundle

from .conftest import AS_AT, postgresql_only
from .test_bundle import AWKWARD, bundle, empty_the_database, files_of, rewrite

pytestmark = pytest.mark.django_db


def _needs_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("COPY needs PostgreSQL; CI runs on it")


def _change_row(path, name: str, row: int, **changes) -> None:
    """Change one row (from 1) of a dataset in both its files, as a producer would have written it."""

    def in_jsonl(lines):
        record = json.loads(lines[row - 1])
        record.update(changes)
        lines[row - 1] = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        return lines

    def in_csv(lines):
        parsed = next(csv.reader(io.StringIO(lines[row])))
        header = next(csv.reader(io.StringIO(lines[0])))
        for column, value in changes.items():
            parsed[header.index(column)] = value
        written = io.StringIO()
        csv.writer(written, lineterminator="\r\n").writerow(parsed)
        lines[row] = written.getvalue()
        return lines

    rewrite(path, f"{name}.jsonl", in_jsonl)
    rewrite(path, f"{name}.csv", in_csv)


def _nothing_loaded(users_before: int) -> None:
    assert not RegisterEntry.objects.exists() and not RegistrationNumber.objects.exists()
    assert not StatusChange.objects.exists() and not TransferredId.objects.exists()
    assert not Region.objects.exists() and not Organisation.objects.exists()
    assert User.objects.count() == users_before


@postgresql_only
def test_copy_loads_what_the_portable_load_loads(populated, tmp_path, monkeypatch):
    _needs_postgresql()
    regulator, entry = populated["regulator"], populated["entries"][2]
    for text in AWKWARD:  # every character COPY's text format escapes, and more
        Annotation.objects.create(
            entry=entry, kind="bia", starts_on=AS_AT, ends_on=AS_AT, note=text, end_reason=text, added_by=regulator
        )
    original = bundle(tmp_path / "original")
    keys = {e.registration_number: (e.surname_key, e.name_key) for e in RegisterEntry.objects.all()}

    empty_the_database()
    assert importer.use_copy()
    copied_names, real_copy = [], importer._Load._copy

    def noting_the_dataset(load, ds, rows):
        copied_names.append(ds.name)
        return real_copy(load, ds, rows)

    monkeypatch.setattr(importer._Load, "_copy", noting_the_dataset)
    by_copy = import_bundle(original)
    monkeypatch.setattr(importer._Load, "_copy", real_copy)
    # Schema 7's datasets load by COPY, not by the ORM's fallback for a table COPY cannot fill.
    for name in ("cpd_records", "employments", "register_applications", "register_application_documents"):
        assert name in copied_names, name
    copied = bundle(tmp_path / "copied")
    assert {e.registration_number: (e.surname_key, e.name_key) for e in RegisterEntry.objects.all()} == keys

    empty_the_database()
    monkeypatch.setattr(importer, "COPY", False)
    by_orm = import_bundle(original)
    portable = bundle(tmp_path / "portable")

    assert by_copy == by_orm
    assert files_of(copied) == files_of(portable) == files_of(original)
    # New numbers carry on after the transferred ones, whichever way they were loaded.
    highest = max(RegistrationNumber.objects.values_list("pk", flat=True))
    assert RegistrationNumber.objects.create().pk > highest


@pytest.mark.parametrize("way", ["copy", "portable"])
def test_a_bad_row_midway_leaves_nothing_loaded(populated, tmp_path, monkeypatch, way):
    if way == "copy":
        _needs_postgresql()
    monkeypatch.setattr(importer, "COPY", way == "copy")
    monkeypatch.setattr(importer, "BATCH", 1)  # rows before the bad one are already in the tables
    original = bundle(tmp_path / "b")
    _change_row(original, "register", 3, status="struck_off")
    empty_the_database()
    users_before = User.objects.count()
    reports = []
    with pytest.raises(TransferRefused) as refused:
        import_bundle(original, progress=lambda name, count: reports.append((name, count)))
    assert any("register.jsonl row 3: status 'struck_off' is not one of" in p for p in refused.value.problems)
    assert ("register", 2) in reports  # two rows had gone in
    _nothing_loaded(users_before)


@postgresql_only
def test_a_row_the_database_refuses_midway_is_named_and_nothing_is_loaded(populated, tmp_path, monkeypatch):
    _needs_postgresql()
    monkeypatch.setattr(importer, "BATCH", 1)
    original = bundle(tmp_path / "b")
    _change_row(original, "register", 3, first_name="A" * 151)  # longer than the column holds
    empty_the_database()
    users_before = User.objects.count()
    with pytest.raises(TransferRefused) as refused:
        import_bundle(original)
    (problem,) = refused.value.problems
    assert problem.startswith("register.jsonl row 3: this service's database cannot store it (value too long")
    _nothing_loaded(users_before)


def test_each_value_is_checked_and_written_for_copy_as_the_portable_reader_reads_it():
    """``copy_in.reader`` gives COPY's text for what ``format.reader`` accepts, and refuses what it refuses."""
    from regulation.transfer import copy_in
    from regulation.transfer.format import BOOLEAN, DATE, DATETIME, INTEGER, OBJECT, TEXT, BadValue, Column, reader

    def column(type_, **kwargs):
        return Column(name="c", source="c", type=type_, description="", **kwargs)

    cases = [
        (column(TEXT), "plain", "plain"),
        (column(TEXT), "tab\there,\nline\r\\", "tab\\there,\\nline\\r\\\\"),
        (column(TEXT), "", ""),
        (column(TEXT, nullable=True), "", copy_in.NULL),
        (column(TEXT, nullable=True), None, copy_in.NULL),
        (column(TEXT, choices=("open", "closed")), "open", "open"),
        (column(INTEGER), 7, "7"),
        (column(INTEGER, nullable=True), None, copy_in.NULL),
        (column(BOOLEAN), False, "f"),
        (column(DATE), "2027-03-02", "2027-03-02"),
        (column(DATE), "2027-W09-2", "2027-03-02"),  # read as ISO accepts it, written in the one form
        (column(DATETIME), "2027-03-02T12:00:00.000000Z", "2027-03-02T12:00:00.000000Z"),
        (column(OBJECT), '{"a":"x\\ny"}', '{"a":"x\\\\ny"}'),
    ]
    for col, value, expected in cases:
        read = reader(col)
        assert copy_in.reader(col, read)(value) == expected, (col, value)
    for col, value in [
        (column(TEXT, choices=("open",)), "shut"),
        (column(INTEGER), True),
        (column(INTEGER), None),
        (column(DATE), "2027-02-30"),
        (column(DATETIME), "2027-03-02T12:00:00Z"),
        (column(DATETIME), "2027-13-02T12:00:00.000000Z"),
        (column(TEXT), 5),
    ]:
        with pytest.raises(BadValue) as portable:
            reader(col)(value)
        with pytest.raises(BadValue) as by_copy:
            copy_in.reader(col, reader(col))(value)
        assert str(by_copy.value) == str(portable.value)
