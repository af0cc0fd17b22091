"""The public register: search and bulk check."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.exports import streaming_csv_response
from accounts.forms import posted

from .. import forms, selectors
from ._common import PAGE_SIZE, more_than_shown, public_row, searched_for


def check_register(request):
    form = forms.PublicSearchForm(request.GET or None)
    page = None
    query = ""
    searched = ""
    capped = ""
    if request.GET and form.is_valid():
        searched = searched_for(form.cleaned_data["q"], form.cleaned_data["town"])
        results = selectors.public_search(query=form.cleaned_data["q"], town=form.cleaned_data["town"])
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        page.rows = [public_row(e) for e in page.object_list]
        capped = more_than_shown(results, searched)
        query = request.GET.copy()
        query.pop("page", None)
        query = query.urlencode()
    return render(
        request,
        "regulation/check.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "searched": searched,
            "more_than_shown": capped,
            "page_title": "Check the register",
        },
    )


BULK_HEADER = [
    "Registration number",
    "Found",
    "Name",
    "Status",
    "Town of employer",
    "Conditions in force",
    "Sanctions in force",
    "Annotations",
]


def bulk_rows(results):
    for number, entry in results:
        if entry is None:
            yield [number, "No", "", "Not on the register", "", "", "", ""]
            continue
        row = public_row(entry)
        yield [
            number,
            "Yes",
            row["name"],
            row["status"],
            row["employer_town"],
            "; ".join(row["conditions"]),
            "; ".join(s["order"] for s in row["sanctions"]),
            "; ".join(row["annotations"]),
        ]


def bulk_lookup(request):
    """Results on the page with the time of the check; the same results as a spreadsheet on request."""
    form = forms.BulkLookupForm(posted(request))
    rows, checked_at = None, None
    if request.method == "POST" and form.is_valid():
        results = selectors.bulk_lookup(form.cleaned_data["numbers"])
        checked_at = timezone.localtime()
        if request.POST.get("format") == "csv":
            header = [*BULK_HEADER, "Checked at"]
            stamp = checked_at.strftime("%Y-%m-%d %H:%M")
            return streaming_csv_response(
                f"register-check-{checked_at:%Y%m%d-%H%M}.csv",
                header,
                [[*row, stamp] for row in bulk_rows(results)],
            )
        rows = [
            {"number": number, "found": entry is not None, **(public_row(entry) if entry else {})}
            for number, entry in results
        ]
    return render(
        request,
        "regulation/bulk.html",
        {
            "form": form,
            "rows": rows,
            "checked_at": checked_at,
            "numbers_text": "\n".join(form.cleaned_data["numbers"]) if rows is not None else "",
            "page_title": "Check up to 100 registration numbers",
            "max": forms.MAX_BULK,
        },
    )
