"""The national definitions (``docs/workforce-statistics.md``), written once and used by every report.

A value is a ``Decimal`` or one of the published symbols; a symbol never turns into zero. Rates come
from unrounded counts and are rounded only for display, half away from zero, to one decimal place.
Regional and national figures come from summed counts (database ``Sum`` with a filter per rate, so only
authorities that have every count a rate needs contribute to it), never from averaging rates.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Q, Sum

SYMBOLS = {
    "z": "not applicable",
    "x": "unavailable",
    "c": "suppressed (confidential)",
    "low": "rounds to 0 but is not 0",
    "u": "low reliability",
}
# When several counts behind a rate are missing, the strongest reason is shown.
SYMBOL_PRIORITY = ["c", "x", "u", "low", "z"]

COUNTS: dict[str, str] = {
    "inpost_fte": "Social workers in post (FTE)",
    "inpost_headcount": "Social workers in post (headcount)",
    "starters_fte": "Starters (FTE)",
    "starters_headcount": "Starters (headcount)",
    "leavers_fte": "Leavers (FTE)",
    "leavers_headcount": "Leavers (headcount)",
    "agency_fte": "Agency workers (FTE)",
    "agency_headcount": "Agency workers (headcount)",
    "agency_cover_fte": "Agency workers covering vacancies (FTE)",
    "vacancy_fte": "Vacancies (FTE)",
    "case_holders_fte": "Case holders (FTE)",
    "cases": "Cases held",
    "working_days_lost_fte": "Working days lost to sickness absence (FTE)",
}
WHOLE_NUMBER_COUNTS = {"inpost_headcount", "starters_headcount", "leavers_headcount", "agency_headcount", "cases"}


@dataclass(frozen=True)
class Rate:
    name: str
    label: str
    numerator: str
    denominator: tuple[str, ...]
    percent: bool = True
    per_working_day: bool = False  # absence: days lost per FTE-working-day

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.numerator, *[d for d in self.denominator if d != self.numerator])

    @property
    def unit(self) -> str:
        return "%" if self.percent else "cases per case holder"


RATES: dict[str, Rate] = {
    r.name: r
    for r in [
        Rate("turnover_rate_fte", "Turnover rate (FTE)", "leavers_fte", ("inpost_fte",)),
        Rate("turnover_rate_headcount", "Turnover rate (headcount)", "leavers_headcount", ("inpost_headcount",)),
        Rate("vacancy_rate_fte", "Vacancy rate (FTE)", "vacancy_fte", ("vacancy_fte", "inpost_fte")),
        Rate("agency_rate_fte", "Agency worker rate (FTE)", "agency_fte", ("agency_fte", "inpost_fte")),
        Rate(
            "agency_cover_rate_fte",
            "Share of agency workers who cover a vacancy (FTE)",
            "agency_cover_fte",
            ("agency_fte",),
        ),
        Rate(
            "vacancy_agency_cover_rate_fte",
            "Share of vacancies covered by an agency worker (FTE)",
            "agency_cover_fte",
            ("vacancy_fte",),
        ),
        Rate("caseload_fte", "Average caseload (FTE)", "cases", ("case_holders_fte",), percent=False),
        Rate("absence_rate_fte", "Sickness absence rate (FTE)", "working_days_lost_fte", ("inpost_fte",), True, True),
    ]
}
# Published alongside the others; kept when importing the published file, not part of our reports.
PUBLISHED_ONLY_RATES = ["agency_rate_headcount"]
ONE_DP = Decimal("0.1")
Value = Decimal | str | None


def working_days(year: int) -> int:
    """Working days per FTE in the reporting year to 30 September `year`.

    The published absence rates use 253, and 254 in a reporting year that contains 29 February (2020 and
    2024): checked against every published local authority absence rate 2017–2024.
    """
    return 254 if calendar.isleap(year) else 253


def parse_value(raw) -> Value:
    """A cell as the published files write it: a number, a symbol, or blank (None)."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    text = str(raw).strip().replace(",", "")
    if text == "":
        return None
    if text.lower() in SYMBOLS:
        return text.lower()
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"“{raw}” is not a number or one of the symbols {', '.join(SYMBOLS)}") from exc
    if not value.is_finite():
        raise ValueError(f"“{raw}” is not a number")
    return value


def round_1dp(value: Decimal) -> Decimal:
    return value.quantize(ONE_DP, rounding=ROUND_HALF_UP)


def _strongest(symbols) -> str:
    present = set(symbols)
    return next((s for s in SYMBOL_PRIORITY if s in present), "x")


def rate_from(rate: Rate, numerator: Value, denominator: Value, year: int) -> Value:
    """One rate from (summed) counts; symbols explain why a figure is missing, never a false zero.

    ``u`` marks a percentage above 100 (cover counted above the agency workers or vacancies there are):
    the published file shows those as low reliability. ``low`` marks a rate that rounds to 0 but is not 0.
    """
    missing = [v if isinstance(v, str) else "x" for v in (numerator, denominator) if not isinstance(v, Decimal)]
    if missing:
        return _strongest(missing)
    if denominator == 0:
        return "z"
    value = numerator / denominator
    if rate.percent:
        value *= 100
    if rate.per_working_day:
        value /= working_days(year)
    if rate.percent and value > 100:
        return "u"
    if numerator > 0 and round_1dp(value) == 0:
        return "low"
    return value


def rate_for(rate: Rate, counts: dict[str, Value], year: int) -> Value:
    values = [counts.get(name) for name in rate.inputs]
    missing = [v if isinstance(v, str) else "x" for v in values if not isinstance(v, Decimal)]
    if missing:
        return _strongest(missing)
    denominator = sum((counts[d] for d in rate.denominator), Decimal(0))
    return rate_from(rate, counts[rate.numerator], denominator, year)


def rates_for(counts: dict[str, Value], year: int) -> dict[str, Value]:
    """Every rate, unrounded (round with `display`)."""
    return {name: rate_for(rate, counts, year) for name, rate in RATES.items()}


def rounded(value: Value) -> Value:
    return round_1dp(value) if isinstance(value, Decimal) else value


def display(value: Value) -> str:
    """As the published tables write it: one decimal place (whole numbers without), or the symbol."""
    if value is None:
        return "x"
    if isinstance(value, str):
        return value
    text = f"{round_1dp(value):f}"
    return text[:-2] if text.endswith(".0") else text


def display_count(value: Value) -> str:
    if value is None:
        return "x"
    if isinstance(value, str):
        return value
    text = f"{value.normalize():f}"
    return text


# ---- aggregation in the database ------------------------------------------------------------------


def aggregate_annotations() -> dict:
    """``Sum`` expressions for every count and, per rate, the numerator and denominator over only those
    rows that have every count the rate needs. Use with ``.values(<group>).annotate(**aggregate_annotations())``.
    """
    annotations = {f"sum__{name}": Sum(name) for name in COUNTS}
    for rate in RATES.values():
        complete = Q(**{f"{name}__isnull": False for name in rate.inputs})
        annotations[f"num__{rate.name}"] = Sum(rate.numerator, filter=complete)
        for index, term in enumerate(rate.denominator):
            annotations[f"den{index}__{rate.name}"] = Sum(term, filter=complete)
    return annotations


def rates_from_aggregate(row: dict, year: int) -> tuple[dict[str, Value], dict[str, Value]]:
    """(counts, rates) from one row of `aggregate_annotations`: a rate nobody could contribute to is `x`."""
    counts = {name: _decimal(row.get(f"sum__{name}")) for name in COUNTS}
    rates = {}
    for rate in RATES.values():
        numerator = _decimal(row.get(f"num__{rate.name}"))
        parts = [_decimal(row.get(f"den{i}__{rate.name}")) for i in range(len(rate.denominator))]
        if numerator is None or any(p is None for p in parts):
            rates[rate.name] = "x"
            continue
        rates[rate.name] = rate_from(rate, numerator, sum(parts, Decimal(0)), year)
    return counts, rates


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))
