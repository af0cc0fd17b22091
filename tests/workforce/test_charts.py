from decimal import Decimal

from workforce.charts import legend, line_chart, nice_ticks


def test_axis_ticks_are_round_numbers():
    assert nice_ticks(17.3) == [0, 5, 10, 15, 20]
    assert nice_ticks(4.2) == [0, 2, 4, 6]
    assert nice_ticks(93) == [0, 25, 50, 75, 100]
    assert nice_ticks(0) == [0, 1]


def test_a_missing_year_breaks_the_line_and_the_legend_is_never_cut_short():
    label = "Statistical neighbours (provisional, very long label)"
    series = [("Your authority", [Decimal(10), None, Decimal(12)]), (label, [Decimal(9), Decimal(9), Decimal(9)])]
    svg = line_chart(chart_id="c", title="Turnover", years=[2024, 2025, 2026], series=series, unit="%")
    assert svg.count("<polyline") == 1  # nothing joins 2024 to 2026 across the missing 2025; the other is whole
    assert "2025 no figure" in svg and ">14.2<" not in svg
    assert label in legend(series)
