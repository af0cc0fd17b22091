"""Thin pages: parse, call one service or selector, render."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.forms import posted
from accounts.jobs import start_job
from accounts.services import ServiceError

from . import forecast as forecasting
from . import selectors, services
from .calculations import COUNTS, RATES, SYMBOLS, display, display_count, rates_for, rounded
from .forms import AuthoritiesFilterForm, ForecastForm, ReturnForm, UploadForm
from .models import ReportingUnit, WorkforceReturn
from .reports import ATTRIBUTION, chart_blocks, report_filename, unit_report_csv, unit_report_xlsx
from .validation import ReturnProblems, latest_reportable_year


def _get_return(request, pk):
    return get_object_or_404(WorkforceReturn.objects.select_related("unit"), pk=pk)


def _unit_for(request, units) -> ReportingUnit:
    if not units:
        raise PermissionDenied("You are not a workforce lead for a council.")
    wanted = request.GET.get("unit") or request.POST.get("unit")
    for unit in units:
        if wanted and str(unit.pk) == wanted:
            return unit
    return units[0]


def _raw(form) -> dict:
    return {name: form.data.get(name, "") for name in [*COUNTS, "not_known_reason"]}


@login_required
@permission_required("workforce.send_return", raise_exception=True)
def returns(request):
    units = selectors.units_for(request.user)
    items = list(selectors.returns_for(request.user))
    return render(
        request,
        "workforce/returns.html",
        {
            "page_title": "Workforce returns",
            "units": units,
            "drafts": [r for r in items if r.status == WorkforceReturn.Status.DRAFT],
            "submitted": [r for r in items if r.status == WorkforceReturn.Status.SUBMITTED],
            "next_year": latest_reportable_year(),
        },
    )


@login_required
@permission_required("workforce.send_return", raise_exception=True)
def return_new(request):
    units = selectors.units_for(request.user)
    unit = _unit_for(request, units)
    year = request.GET.get("year") or latest_reportable_year()
    existing = WorkforceReturn.objects.filter(unit=unit, year=year).first() if str(year).isdigit() else None
    if existing and request.method == "GET":
        return redirect("workforce:return_edit", pk=existing.pk)
    form = ReturnForm(posted(request), units=units, initial={"year": year, "unit": str(unit.pk)})
    if request.method == "POST":
        return _save(request, form, unit=_unit_for(request, units), year_text=request.POST.get("year", ""))
    return render(request, "workforce/return_form.html", {"form": form, "page_title": "Send your workforce return"})


def _save(request, form, *, unit, year_text, existing=None):
    submit = request.POST.get("action") == "submit"
    if not year_text.strip().isdigit():
        form.is_valid()
        form.add_error("year", "Enter the reporting year as four digits, for example 2024.")
        return render(request, "workforce/return_form.html", {"form": form, "page_title": "Send your workforce return"})
    try:
        service = services.submit_return if submit else services.save_draft
        saved = service(unit=unit, year=int(year_text), raw=_raw(form), by=request.user)
    except ReturnProblems as exc:
        form.is_valid()
        form.add_problems(exc.shown)
    except ServiceError as exc:
        form.is_valid()
        form.add_error(None, str(exc))
    else:
        messages.success(request, f"Your {saved.year} return has been {'submitted' if submit else 'saved as a draft'}.")
        return redirect("workforce:return_detail", pk=saved.pk)
    title = "Send your workforce return" if existing is None else f"Your {existing.year} return"
    return render(request, "workforce/return_form.html", {"form": form, "page_title": title, "existing": existing})


@login_required
@permission_required("workforce.view_workforcereturn", fn=_get_return, raise_exception=True)
def return_detail(request, pk):
    ret = _get_return(request, pk)
    counts = ret.counts()
    rates = rates_for(counts, ret.year)
    return render(
        request,
        "workforce/return_detail.html",
        {
            "page_title": f"{ret.unit.name}: {ret.year} return",
            "ret": ret,
            # A draft's blank is "not entered", not the publisher's x (unavailable).
            "counts": [(COUNTS[n], "not entered" if counts[n] is None else display_count(counts[n])) for n in COUNTS],
            "rates": [(r.label, display(rates[n]), r.unit) for n, r in RATES.items()],
            "can_change": request.user.has_perm("workforce.change_workforcereturn", ret),
        },
    )


@login_required
@permission_required("workforce.change_workforcereturn", fn=_get_return, raise_exception=True)
def return_edit(request, pk):
    ret = _get_return(request, pk)
    correcting = ret.status == WorkforceReturn.Status.SUBMITTED
    initial = {n: display_count(v) if v is not None else "" for n, v in ret.counts().items()}
    form = ReturnForm(posted(request), with_year=False, with_reason=correcting, initial=initial)
    title = f"{'Correct' if correcting else 'Finish'} your {ret.year} return"
    if request.method == "POST":
        if not correcting:
            return _save(request, form, unit=ret.unit, year_text=str(ret.year), existing=ret)
        try:
            services.correct_return(
                workforce_return=ret, raw=_raw(form), by=request.user, reason=request.POST.get("reason", "")
            )
        except ReturnProblems as exc:
            form.is_valid()
            form.add_problems(exc.problems)
        except ServiceError as exc:
            form.is_valid()
            form.add_error("reason" if "why" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"Your {ret.year} return has been corrected. The earlier version is kept.")
            return redirect("workforce:return_detail", pk=ret.pk)
    return render(
        request,
        "workforce/return_form.html",
        {"form": form, "page_title": title, "existing": ret, "correcting": correcting},
    )


@login_required
@permission_required("workforce.view_workforcereturn", fn=_get_return, raise_exception=True)
def return_versions(request, pk):
    ret = _get_return(request, pk)
    versions = list(selectors.versions_of(ret))
    return render(
        request,
        "workforce/return_versions.html",
        {
            "page_title": f"Versions of the {ret.year} return",
            "ret": ret,
            "columns": list(COUNTS.items()),
            "versions": [
                (v, [v.values.get(n) if v.values.get(n) is not None else "–" for n in COUNTS]) for v in versions
            ],
        },
    )


@login_required
@permission_required("workforce.send_return", raise_exception=True)
def upload(request):
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    problems = []
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.add_error("file", "The file is larger than 5 MB. Upload your own returns only.")
    elif posted and form.is_valid():
        data = form.cleaned_data["file"].read()
        reason = form.cleaned_data["reason"]
        try:
            if services.needs_a_job(data):
                # A long file is checked and saved by a job with a progress bar, never in the request.
                job = services.start_upload_job(data=data, by=request.user, reason=reason)
                return redirect(reverse("job_detail", args=[job.pk]))
            counts = services.upload_returns(data=data, by=request.user, reason=reason)
        except ReturnProblems as exc:
            problems = exc.shown
            form.add_problems(exc.shown)
        except ServiceError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, upload_message(counts))
            return redirect("workforce:returns")
    return render(
        request,
        "workforce/upload.html",
        {
            "form": form,
            "problems": problems,
            "page_title": "Upload your workforce return",
            "columns": ["time_period", "old_la_code", *COUNTS],
        },
    )


def upload_message(counts: dict[str, int]) -> str:
    """Say what happened to each kind of row: a correction to a submitted return is live, not a draft."""
    parts = []
    if counts.get("created"):
        parts.append(f"{counts['created']} new return(s) saved as drafts: check and submit each one")
    if counts.get("drafts_updated"):
        parts.append(f"{counts['drafts_updated']} draft(s) updated: check and submit each one")
    if counts.get("corrected"):
        parts.append(f"{counts['corrected']} submitted return(s) corrected: the corrections are live now")
    if counts.get("unchanged"):
        parts.append(f"{counts['unchanged']} return(s) unchanged")
    return "Your file has been checked. " + ("; ".join(parts) or "Nothing has changed") + "."


def _report_context(request) -> tuple[ReportingUnit, selectors.UnitReport, list[ReportingUnit]]:
    """The unit asked for, its report, and every unit the person reports for (read once: the page lists them)."""
    units = selectors.units_for(request.user)
    unit = _unit_for(request, units)
    return unit, selectors.unit_report(unit), units


@login_required
@permission_required("workforce.view_own_report", raise_exception=True)
def report(request):
    unit, data, units = _report_context(request)
    latest = data.own.get(data.latest_year)
    ranks = [
        (rate.label, display(latest.rates.get(name)) if latest else "x", [r.by_rate.get(name) for r in data.rankings])
        for name, rate in RATES.items()
    ]
    return render(
        request,
        "workforce/report.html",
        {
            "page_title": f"Workforce report: {unit.name}",
            "report": data,
            "latest": latest,
            "blocks": chart_blocks(data),
            "ranks": ranks,
            "rates": RATES,
            "neighbours": [
                (link, link.closeness.capitalize(), [display(row.rates.get(n)) for n in RATES] if row else None)
                for link, row in data.neighbours
            ],
            "attribution": ATTRIBUTION,
            "symbols": SYMBOLS,
            "units": units,
        },
    )


@login_required
@permission_required("workforce.view_own_report", raise_exception=True)
def report_download(request, kind):
    _unit, data, _units = _report_context(request)
    if kind == "csv":
        response = HttpResponse(unit_report_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{report_filename(data, "csv")}"'
        return response
    if kind == "xlsx":
        response = HttpResponse(
            unit_report_xlsx(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{report_filename(data, "xlsx")}"'
        return response
    raise Http404


@require_POST
@login_required
@permission_required("workforce.view_own_report", raise_exception=True)
def report_pdf(request):
    unit = _unit_for(request, selectors.units_for(request.user))
    job = start_job(
        kind="workforce_report_pdf",
        title=f"Workforce report for {unit.name} (PDF)",
        by=request.user,
        params={"unit_id": unit.pk},
    )
    return redirect(reverse("job_detail", args=[job.pk]))


@login_required
@permission_required("workforce.view_own_report", raise_exception=True)
def forecast(request):
    unit, data, _units = _report_context(request)
    base, defaults, sources, problem = forecasting.baseline_and_defaults(data)
    form = ForecastForm(request.GET or None, initial=vars(defaults) if defaults else None)
    years = []
    assumptions = defaults
    if base is not None:
        if request.GET and form.is_valid():
            assumptions = forecasting.Assumptions(**{k: Decimal(v) for k, v in form.cleaned_data.items()})
        if assumptions is not None and (not request.GET or form.is_valid()):
            years = forecasting.project(base, assumptions)
    return render(
        request,
        "workforce/forecast.html",
        {
            "page_title": f"Workforce forecast: {unit.name}",
            "unit": unit,
            "form": form,
            "base": base,
            "assumptions": assumptions,
            "sources": [
                (form[name].label, defaults_value, sources[name]) for name, defaults_value in vars(defaults).items()
            ]
            if defaults
            else [],
            "skipped": list(range(base.year + 1, years[0].year)) if base and years else [],
            "years": years,
            "problem": problem,
        },
    )


@login_required
@permission_required("workforce.view_authorities_table", raise_exception=True)
def authorities(request):
    """Every authority, region and England for one or more years: published figures, and for regulator staff the
    provisional figures of a year not yet published."""
    years = selectors.report_years(with_returns=request.user.has_perm("workforce.view_all_authorities"))
    regions = selectors.all_regions()
    form = AuthoritiesFilterForm(request.GET or None, years=years, regions=regions)
    chosen, region, sort, order = years[:1], "", "name", "desc"
    if form.is_bound and form.is_valid():
        chosen = sorted(form.cleaned_data["year"] or chosen, reverse=True)
        region = form.cleaned_data["region"] or ""
        sort = form.cleaned_data["sort"] or "name"
        order = form.cleaned_data["order"] or "desc"
    published = selectors.published_years()
    rows, summary = [], []
    for year in chosen:
        year_rows = selectors.authority_rows(year, region=region, published=published)
        if not request.user.has_perm("workforce.view_all_authorities"):
            year_rows = [r for r in year_rows if r.is_published]
        if sort in RATES:
            numeric = [r for r in year_rows if isinstance(r.rates.get(sort), Decimal)]
            missing = [r for r in year_rows if not isinstance(r.rates.get(sort), Decimal)]
            numeric.sort(key=lambda r: rounded(r.rates[sort]), reverse=order == "desc")
            year_rows = numeric + missing
        rows += year_rows
        national = selectors.national_row(year, published=published)
        summary += ([national] if national and not region else []) + selectors.region_rows(
            year, region=region, published=published
        )
    download = request.GET.get("download")
    if download in ("csv", "xlsx"):
        return _table_download(summary + rows, download, "workforce-authorities-" + "-".join(map(str, chosen)))
    query = request.GET.copy()
    query.pop("download", None)
    return render(
        request,
        "workforce/authorities.html",
        {
            "page_title": "All authorities",
            "form": form,
            "years": chosen,
            "year": chosen[0] if chosen else None,
            "sort": sort,
            "sort_label": RATES[sort].label if sort in RATES else "",
            "order": order,
            "rates": RATES,
            "summary": [(r, [display(r.rates.get(n)) for n in RATES]) for r in summary],
            "rows": [(r, [display(r.rates.get(n)) for n in RATES]) for r in rows],
            "symbols": SYMBOLS,
            "query": query.urlencode(),
            "attribution": ATTRIBUTION,
        },
    )


def _table_download(rows, kind: str, name: str) -> HttpResponse:
    from .reports import REPORT_COLUMNS, record, records_csv, records_xlsx

    records = [record(r) for r in rows]
    if kind == "csv":
        response = HttpResponse(records_csv(REPORT_COLUMNS, records), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        records_xlsx(REPORT_COLUMNS, records),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# ---- published statistics: public (Open Government Licence) ------------------------------------------

PAGE_SIZES = [25, 50, 100, 500]


def statistics(request):
    """Every published figure for every area, year and measure, filterable and paginated; no sign-in needed."""
    from django.core.paginator import Paginator

    from .forms import StatisticsFilterForm
    from .statistics import TIDY_COLUMNS, areas, tidy_records

    form = StatisticsFilterForm(request.GET or None, years=selectors.published_years(), areas=areas())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    records = tidy_records(
        year=filters.get("year"),
        area=filters.get("area") or "",
        measure=filters.get("measure") or "",
        level=filters.get("level") or "",
    )
    size = filters.get("page_size") or 50
    page = Paginator(records, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workforce/statistics.html",
        {
            "page_title": "Children's social work workforce: published statistics",
            "form": form,
            "page_obj": page,
            "columns": TIDY_COLUMNS,
            "query": query.urlencode(),
            "total": len(records),
            "attribution": ATTRIBUTION,
            "symbols": SYMBOLS,
        },
    )


def statistics_csv(request):
    """The lot, in one tidy file: one row per area, year and measure, with LA and ONS codes, counts and rates."""
    from accounts.exports import streaming_csv_response

    from .statistics import TIDY_COLUMNS, tidy_records

    records = tidy_records()
    return streaming_csv_response(
        "csww-published-figures.csv", TIDY_COLUMNS, ([r[c] for c in TIDY_COLUMNS] for r in records)
    )


def statistics_metadata(request):
    from .reports import metadata_text

    response = HttpResponse(metadata_text(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="data-guidance.txt"'
    return response
