"""Checking returns, from the form, an upload or the operators' command: every problem by row and column.

Nothing is saved unless every row is valid; the callers (services) rely on that.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from .calculations import COUNTS, RATES, SYMBOLS, WHOLE_NUMBER_COUNTS, Value, parse_value, working_days

REQUIRED_COLUMNS = ["time_period", "old_la_code", *COUNTS]
MAX_BYTES = 5 * 1024 * 1024
# Bounds no council comes near (the largest employs under 1,000 FTE and holds about 10,000 cases).
MAX_STAFF = Decimal(5000)
MAX_CASES = Decimal(100000)
FIRST_YEAR = 2010
# A council's file holds a handful of returns; these bounds keep one bad file from holding a web worker.
MAX_ROWS = 100_000
IN_REQUEST_ROWS = 500  # more rows than this are checked and saved by a background job, never in the request
MAX_FIELD_CHARS = 200
PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class Problem:
    row: int | None  # line of the file (header is line 1); None for the whole file or a form field
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, " if self.row else ""
        column = f"{self.column}: " if self.column else ""
        return f"{where}{column}{self.message}"


class ReturnProblems(Exception):
    """The return(s) cannot be saved; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:PROBLEMS_SHOWN]))
        self.problems = problems

    @property
    def shown(self) -> list[Problem]:
        """The first problems, then one line counting the rest: a page never lists thousands."""
        rest = len(self.problems) - PROBLEMS_SHOWN
        if rest <= 0:
            return self.problems
        return [*self.problems[:PROBLEMS_SHOWN], Problem(None, "", f"…and {rest:,} more problems not shown.")]


@dataclass
class ParsedReturn:
    row: int | None
    year: int
    unit_code: str
    values: dict[str, Value] = field(default_factory=dict)


def latest_reportable_year(today: date | None = None) -> int:
    """The snapshot is 30 September: a year can be reported once its 30 September has passed."""
    today = today or timezone.localdate()
    return today.year if today >= date(today.year, 9, 30) else today.year - 1


def decode_upload(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes) or Excel's Windows-1252 'CSV'; anything else is refused."""
    if len(data) > MAX_BYTES:
        raise ReturnProblems([Problem(None, "", "The file is larger than 5 MB. Upload one year's return.")])
    if b"\x00" in data[:4096] or data[:4] == b"PK\x03\x04":
        raise ReturnProblems(
            [Problem(None, "", "The file is not a CSV file. Save it from your spreadsheet as ‘CSV UTF-8’.")]
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReturnProblems([Problem(None, "", "The file's text encoding is not UTF-8 or Windows-1252.")])


def read_csv(text: str, *, limit_rows: bool = True) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise ReturnProblems([Problem(None, "", "The file is empty.")])
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ReturnProblems([Problem(None, c, "This column is missing from the file.") for c in missing])
    rows = []
    max_rows = MAX_ROWS if limit_rows else None
    try:
        for line, row in enumerate(reader, start=2):
            if max_rows is not None and line - 1 > max_rows:
                raise ReturnProblems(
                    [Problem(None, "", f"The file has more than {max_rows:,} rows. Upload your own returns only.")]
                )
            too_long = [k for k, v in row.items() if isinstance(v, str) and len(v) > MAX_FIELD_CHARS]
            if too_long:
                raise ReturnProblems(
                    [Problem(line, str(too_long[0]), f"This cell is longer than {MAX_FIELD_CHARS} characters.")]
                )
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            if (row.get("geographic_level") or "Local authority").strip() != "Local authority":
                continue  # national and regional rows of a published file are sums, not returns
            row["_line"] = line
            rows.append(row)
    except csv.Error as exc:
        # e.g. a cell over the csv module's own limit, or a stray NUL: say so instead of failing.
        raise ReturnProblems(
            [Problem(reader.line_num or None, "", f"The file cannot be read as CSV ({exc}).")]
        ) from exc
    if not rows:
        raise ReturnProblems([Problem(None, "", "The file has no returns in it, only a header.")])
    return rows


def _lower_first(label: str) -> str:
    """Mid-sentence, without lower-casing FTE: “Enter leavers (FTE)”."""
    return label[:1].lower() + label[1:]


# Counts no rate needs: a council may say one is not known (x), with why.
RATE_INPUTS = {name for rate in RATES.values() for name in rate.inputs}
PUBLISHER_SYMBOLS = [s for s in SYMBOLS if s != "x"]


def check_values(
    raw: dict[str, object], *, year: int | None, row: int | None, complete: bool, council: bool = True
) -> tuple[dict, list]:
    """Parse and check one return's counts. `complete` (submitting) needs every count.

    A council enters numbers. ``c``, ``low``, ``u`` and ``z`` are the Department's publication symbols, not a
    council's answers, so only the operators' load of a published file (``council=False``) may hold them. A
    council may say a count is not known (``x``) only where no rate needs it, and must then say why.
    """
    problems: list[Problem] = []
    values: dict[str, Value] = {}
    not_known = []
    for name, label in COUNTS.items():
        try:
            value = parse_value(raw.get(name))
        except ValueError:
            hint = "a number, or x if it is not known" if council else f"a number, or one of {', '.join(SYMBOLS)}"
            problems.append(Problem(row, name, f"{label} must be {hint}."))
            continue
        if council and value in PUBLISHER_SYMBOLS:
            problems.append(
                Problem(
                    row,
                    name,
                    f"{label}: “{value}” is a symbol the Department uses when it publishes figures, not an answer. "
                    "Enter the number, or x if it is not known.",
                )
            )
            continue
        if value is None and complete:
            problems.append(Problem(row, name, f"Enter {_lower_first(label)}."))
        elif council and value == "x":
            if complete and name in RATE_INPUTS:
                message = f"Enter {_lower_first(label)}: the rates need it, so it cannot be x."
                problems.append(Problem(row, name, message))
            not_known.append(label)
        elif isinstance(value, Decimal):
            if value < 0:
                problems.append(Problem(row, name, f"{label} cannot be negative."))
            elif name in WHOLE_NUMBER_COUNTS and value != value.to_integral_value():
                problems.append(Problem(row, name, f"{label} must be a whole number."))
            elif value.as_tuple().exponent < -2:
                problems.append(Problem(row, name, f"{label} can have at most 2 decimal places."))
            elif value > (
                MAX_CASES if name == "cases" else MAX_STAFF * (300 if name == "working_days_lost_fte" else 1)
            ):
                problems.append(Problem(row, name, f"{label} of {value} is not plausible for one council."))
        values[name] = value
    if council and complete and not_known and not str(raw.get("not_known_reason") or "").strip():
        problems.append(
            Problem(row, "not_known_reason", f"Say why {', '.join(_lower_first(n) for n in not_known)} is not known.")
        )
    problems += _cross_checks(values, year=year, row=row)
    return values, problems


def _number(values, name):
    value = values.get(name)
    return value if isinstance(value, Decimal) and value >= 0 else None


def _cross_checks(values: dict, *, year: int | None, row: int | None) -> list[Problem]:
    problems = []
    for suffix in ("fte", "headcount"):
        leavers, inpost, starters = (_number(values, f"{k}_{suffix}") for k in ("leavers", "inpost", "starters"))
        if None not in (leavers, inpost, starters) and leavers > inpost + starters:
            problems.append(
                Problem(
                    row,
                    f"leavers_{suffix}",
                    f"Leavers ({'FTE' if suffix == 'fte' else 'headcount'}) of {leavers} is more than everyone "
                    f"who could have left (in post {inpost} plus starters {starters}).",
                )
            )
    holders, inpost, agency = (_number(values, k) for k in ("case_holders_fte", "inpost_fte", "agency_fte"))
    if holders is not None and inpost is not None and holders > inpost + (agency or 0):
        problems.append(
            Problem(
                row,
                "case_holders_fte",
                f"Case holders ({holders} FTE) cannot be more than the FTE in post ({inpost}) "
                f"plus agency workers ({agency or 0}).",
            )
        )
    days, inpost = _number(values, "working_days_lost_fte"), _number(values, "inpost_fte")
    if days is not None and inpost is not None and year and days > inpost * working_days(year):
        problems.append(
            Problem(
                row,
                "working_days_lost_fte",
                f"{days} working days lost is more than the {inpost} FTE in post could work in a year "
                f"({working_days(year)} days each).",
            )
        )
    return problems


def check_year(raw, *, row: int | None, today: date | None = None) -> tuple[int | None, list[Problem]]:
    text = str(raw or "").strip()
    latest = latest_reportable_year(today)
    if not (text[:4].isdigit() and (len(text) == 4 or (len(text) == 6 and text.isdigit()))):
        return None, [Problem(row, "time_period", f"“{text}” is not a reporting year such as {latest}.")]
    year = int(text[:4]) if len(text) == 4 else int(text[:4]) + 1  # 202324 is the year ending Sept 2024
    if year > latest:
        return None, [
            Problem(
                row,
                "time_period",
                f"{year} is in the future: the return for {year} is a snapshot at 30 September {year}.",
            )
        ]
    if year < FIRST_YEAR:
        return None, [Problem(row, "time_period", f"{year} is before {FIRST_YEAR}, the first year collected.")]
    return year, []


def parse_rows(
    rows: list[dict[str, str]],
    *,
    progress=None,
    allowed_la_numbers: set[str] | None,
    known_la_numbers: set[str],
    complete: bool = True,
    council: bool = True,
    today: date | None = None,
) -> list[ParsedReturn]:
    """Check every row; raise ReturnProblems listing all of them, or return the parsed returns."""
    from .reference import split_la_numbers, unit_code

    problems: list[Problem] = []
    parsed: list[ParsedReturn] = []
    seen: dict[tuple[str, int], int] = {}
    step = max(1, len(rows) // 10)
    for index, row in enumerate(rows, start=2):
        if progress is not None and (index - 2) % step == 0:
            progress(index - 2, len(rows))
        line = row.get("_line", index)
        year, year_problems = check_year(row.get("time_period"), row=line, today=today)
        problems += year_problems
        numbers = split_la_numbers(row.get("old_la_code") or "")
        code = unit_code(numbers)
        if not numbers:
            problems.append(Problem(line, "old_la_code", "Enter the three-digit LA number."))
        elif unknown := [n for n in numbers if n not in known_la_numbers]:
            problems.append(Problem(line, "old_la_code", f"No council has LA number {', '.join(unknown)}."))
        elif allowed_la_numbers is not None and not set(numbers) & allowed_la_numbers:
            problems.append(
                Problem(line, "old_la_code", f"LA {code} is not your authority: you can only send your own return.")
            )
        if numbers and year:
            for number in numbers:
                if (number, year) in seen:
                    problems.append(
                        Problem(
                            line,
                            "old_la_code",
                            f"LA {number} already has a {year} return in row {seen[(number, year)]} of this file.",
                        )
                    )
                    break
            for number in numbers:
                seen.setdefault((number, year), line)
        values, value_problems = check_values(row, year=year, row=line, complete=complete, council=council)
        problems += value_problems
        if year and numbers:
            parsed.append(ParsedReturn(line, year, code, values))
    if problems:
        raise ReturnProblems(problems)
    return parsed
