"""Every select in the service is drawn by ``govuk.select_options`` in one pass instead of a template per option;
the markup is Django's own, apart from blank lines between tags."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

CASES = [
    (forms.Select(choices=[("", "Choose"), (1, "A & B <x>"), (2, "Zoë")]), "1"),
    (forms.Select(choices=[("Group 1", [(1, "One"), (2, "Two")]), ("Group <2>", [(3, "Three")]), (4, "Four")]), 3),
    (forms.SelectMultiple(choices=[(1, "One"), (2, "Two"), (3, "Three")]), [1, 3]),
    (forms.Select(choices=[(1, "One")], attrs={"disabled": True}), None),
    # Labels that are not text are written as the template writes them (localised), values as strings.
    (
        forms.Select(
            choices=[(datetime.date(2027, 3, 1), datetime.date(2027, 3, 1)), (2, 2500), (3.5, Decimal("0.6"))]
        ),
        2,
    ),
    (forms.Select(choices=[("a'b", mark_safe("<b>bold</b>")), ('"q"', "O’Neill & Sons")]), '"q"'),
    (forms.Select(choices=[(mark_safe("<v>"), "Safe value")]), None),
]


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("widget, value", CASES)
def test_options_are_djangos_markup(widget, value):
    attrs = {"class": "govuk-select", "id": "id_f"}
    ours = widget.render("f", value, attrs=attrs, renderer=get_default_renderer())
    djangos = widget.render("f", value, attrs=attrs, renderer=DjangoTemplates())
    assert _tags(ours) == _tags(djangos)


def test_labels_and_group_names_are_escaped():
    widget, value = CASES[1]
    html = widget.render("f", value, renderer=get_default_renderer())
    assert '<optgroup label="Group &lt;2&gt;">' in html and '<option value="3" selected>Three</option>' in html
    assert "A &amp; B &lt;x&gt;" in CASES[0][0].render("f", "1", renderer=get_default_renderer())
