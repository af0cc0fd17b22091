"""CSV files are safe to open in a spreadsheet: a text that would run as a formula is escaped by a documented
rule (one apostrophe in front) that a reader undoes exactly, and the bundle still round-trips byte for byte."""

import csv
import datetime
import json

import pytest

from regulation import services
from regulation.transfer.format import ESCAPED_TYPES, FORMULA_STARTS, csv_value, datasets
from regulation.transfer.importer import import_bundle
from regulation.transfer.verify import verify_bundle

from .conftest import AS_AT
from .test_bundle import _reseed, bundle, empty_the_database, files_of

pytestmark = pytest.mark.django_db

TEXTS = [
    "=1+1",
    "+44 20 7946 0000",
    "-2 visits missed",
    "@SUM(A1:A9)",
    "\t=tabbed",
    "\r=after a carriage return",
    "'quoted already",
    "''two apostrophes",
    '=IMPORTXML("http://x.example", "//a"), with a comma',
    "Plain, with a comma",
    "A = B + C - D @ E",
]


@pytest.fixture
def formulas(populated):
    entry = populated["entries"][2]
    for number, text in enumerate(TEXTS):
        services.add_condition(
            entry=entry,
            by=populated["regulator"],
            text=text,
            starts_on=AS_AT,
            ends_on=AS_AT + datetime.timedelta(days=30 + number),
        )
    # The service trims what people type; a predecessor's records may start with anything.
    from regulation.models import Condition

    for text in TEXTS:
        if text != text.strip():
            Condition.objects.filter(text=text.strip()).update(text=text)
    return populated


def _csv_rows(path, ds):
    with open(path / f"{ds.name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def _json_rows(path, ds):
    return [json.loads(line) for line in (path / f"{ds.name}.jsonl").read_text(encoding="utf-8").splitlines()]


def test_no_csv_cell_can_run_as_a_formula_and_each_reads_back_exactly(formulas, tmp_path):
    out = bundle(tmp_path / "b")
    seen = 0
    for ds in datasets():
        for cells, record in zip(_csv_rows(out, ds), _json_rows(out, ds), strict=True):
            for column, cell in zip(ds.columns, cells, strict=True):
                if column.type not in ESCAPED_TYPES:
                    continue
                assert not cell.startswith(FORMULA_STARTS[:-1]), (ds.name, column.name, cell)
                value = record[column.name]
                assert csv_value(column, cell) == ("" if value is None else value)
                seen += cell.startswith("'")
    assert seen >= len(TEXTS) - 2  # every escaped text of the fixture, and the conftest's own
    conditions = {row[0]: row for row in _csv_rows(out, next(d for d in datasets() if d.name == "conditions"))}
    texts = [row[4] for row in conditions.values()]
    assert "'=1+1" in texts and "''quoted already" in texts and "'''two apostrophes" in texts
    assert "Plain, with a comma" in texts and "A = B + C - D @ E" in texts
    assert verify_bundle(out).ok


def test_a_bundle_with_formula_cells_round_trips_byte_for_byte(formulas, tmp_path):
    original = bundle(tmp_path / "original")
    empty_the_database()
    _reseed()
    import_bundle(original)
    from regulation.models import Condition

    assert set(TEXTS) <= set(Condition.objects.values_list("text", flat=True))
    assert files_of(bundle(tmp_path / "again")) == files_of(original)


def test_an_unescaped_formula_in_a_csv_is_refused_naming_the_column(formulas, tmp_path):
    from .test_bundle import rewrite

    out = bundle(tmp_path / "b")
    rewrite(out, "conditions.csv", lambda lines: [line.replace(",'=1+1,", ",=1+1,") for line in lines])
    problems = verify_bundle(out).problems
    assert any("column text is '=1+1' in the CSV but \"'=1+1\" in the JSON Lines" in p for p in problems), problems
