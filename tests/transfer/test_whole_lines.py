"""A load by COPY takes each line its exporter wrote the one way whole (``copy_in.LineParser``): that must give
exactly what reading the line value by value gives, and a line of any other form must be read value by value,
accepted or refused as it always was, with the same problems named. Reading a file both ways compares them."""

import csv
import io
import json

import pytest

from regulation.models import Annotation
from regulation.transfer import copy_in
from regulation.transfer.format import MANIFEST, csv_cell, dataset, datasets, json_to_csv, reader
from regulation.transfer.verify import Report, Rows

from .conftest import AS_AT
from .test_bundle import AWKWARD, bundle, rewrite

pytestmark = pytest.mark.django_db


def _read(path, ds, *, whole: bool, matched: list | None = None):
    """Every row ``Rows`` gives and every problem it names, each value read for COPY as a load reads it."""
    report = Report()
    files = json.loads((path / MANIFEST).read_text())["files"]
    readers = [copy_in.reader(c, reader(c, empty_text=ds.holds_empty_text(c))) for c in ds.columns]
    lines = copy_in.line_parser(ds, empty_text=ds.holds_empty_text) if whole else None
    if lines is not None and matched is not None:
        pair = lines.pair
        lines.pair = lambda line: matched.append(found) or found if (found := pair(line)) else None
    rows = Rows(path, ds, files, report, set(), readers=readers, lines=lines)
    return [(list(raw), list(values)) for raw, values in rows], report.problems


def test_every_dataset_reads_the_same_whole_as_value_by_value(populated, tmp_path):
    entry, regulator = populated["entries"][2], populated["regulator"]
    for text in AWKWARD:
        Annotation.objects.create(
            entry=entry, kind="bia", starts_on=AS_AT, ends_on=AS_AT, note=text, end_reason=text, added_by=regulator
        )
    path = bundle(tmp_path / "bundle")
    matched = []
    for ds in datasets():
        assert _read(path, ds, whole=True, matched=matched) == _read(path, ds, whole=False), ds.name
    assert matched  # most lines are read whole
    assert copy_in.line_parser(dataset("register"), empty_text=dataset("register").holds_empty_text) is not None


def _first_register_row(path, jsonl=None, csv_line=None):
    """Replace the register's first row: its JSON line as given (text), and its CSV row (text, CRLF added)."""
    if jsonl is not None:
        rewrite(path, "register.jsonl", lambda lines: [jsonl + "\n", *lines[1:]])
    if csv_line is not None:
        rewrite(path, "register.csv", lambda lines: [lines[0], csv_line + "\r\n", *lines[2:]])


def _row(path):
    line = (path / "register.jsonl").read_text(encoding="utf-8").splitlines()[0]
    return json.loads(line)


def _csv_of(record) -> str:
    ds = dataset("register")
    out = io.StringIO()
    cells = [csv_cell(c, json_to_csv(record[c.name])) for c in ds.columns]
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def _compact(record) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _with(**changes):
    def damage(path):
        record = {**_row(path), **changes}
        _first_register_row(path, _compact(record), _csv_of(record))

    return damage


def _spaced(path):
    record = _row(path)
    _first_register_row(path, json.dumps(record, ensure_ascii=False))


def _name_twice(path):
    record = _row(path)
    line = _compact(record)
    _first_register_row(path, line[:-1] + ',"first_name":"Someone Else"}')


def _escaped(path):
    record = _row(path)
    line = _compact(record).replace(json.dumps(record["last_name"], ensure_ascii=False), '"Br\\u00f6nte"')
    _first_register_row(path, line, _csv_of({**record, "last_name": "Brönte"}))


def _quoted_cell(path):
    record = _row(path)
    number = record["registration_number"]
    _first_register_row(path, csv_line=_csv_of(record).replace(f",{number},", f',"{number}",'))


def _minus_nought(path):
    record = {**_row(path), "current_employer_id": 0}
    _first_register_row(path, _compact(record)[:-2] + "-0}", _csv_of(record))


def _csv_differs(path):
    record = _row(path)
    _first_register_row(path, csv_line=_csv_of({**record, "status": "lapsed"}))


def _csv_short(path):
    rewrite(path, "register.csv", lambda lines: lines[:-1])


def _no_line_end(path):
    rewrite(path, "register.jsonl", lambda lines: [*lines[:-1], lines[-1].rstrip("\n")])


CASES = {
    "not a leap year": _with(registered_on="2023-02-29"),
    "a leap day": _with(registered_on="2024-02-29"),
    "year 0": _with(date_of_birth="0000-01-01"),
    "hour 24": _with(status_changed_at="2024-01-01T24:00:00.000000Z"),
    "no time zone": _with(status_changed_at="2024-01-01T10:00:00.000000"),
    "a comma": _with(first_name="Ann, Jo"),
    "a formula": _with(last_name="=SUM(A1)"),
    "an empty name": _with(first_name=""),
    "no email": _with(email=None),
    "a status unknown": _with(status="retired"),
    "minus nought": _minus_nought,
    "an id as text": _with(id="1"),
    "a float": _with(id=1.0),
    "true as an id": _with(id=True),
    "a number not SW": _with(registration_number="XX1"),
    "spaces": _spaced,
    "a name given twice": _name_twice,
    "an escaped letter": _escaped,
    "a cell quoted needlessly": _quoted_cell,
    "the CSV disagrees": _csv_differs,
    "the CSV ends early": _csv_short,
    "no last line end": _no_line_end,
}


REFUSED = [
    CASES[name]
    for name in (
        "not a leap year",
        "year 0",
        "hour 24",
        "no time zone",
        "no email",
        "a status unknown",
        "a float",
        "true as an id",
        "an id as text",
        "a number not SW",
        "a name given twice",
        "the CSV disagrees",
        "the CSV ends early",
    )
]


@pytest.mark.parametrize("damage", CASES.values(), ids=CASES.keys())
def test_a_line_of_another_form_reads_as_it_does_value_by_value(populated, tmp_path, damage):
    path = bundle(tmp_path / "bundle")
    damage(path)
    ds = dataset("register")
    rows, problems = _read(path, ds, whole=True)
    assert (rows, problems) == _read(path, ds, whole=False)
    assert bool(problems) == (damage in REFUSED)


@pytest.mark.parametrize(
    "first,last",
    [("Zoë", "Brontë-Smith"), ("Siân", "O’Neill"), ("", "Okafor"), ("Amira", ""), ("-", "."), (" Ann  Marie ", "Lee")],
)
def test_the_search_keys_made_from_the_names_parts_are_the_whole_names(first, last):
    from regulation.models import normalise_name
    from regulation.transfer.importer import _NameKeys

    keys = _NameKeys()
    for _ in range(2):  # derived, then remembered
        assert keys(first, last) == (normalise_name(last), normalise_name(f"{first} {last}"))
