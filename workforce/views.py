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

from accounts.jobs import start_job
from accounts.services import ServiceError

from . import forecast as forecasting
from . import selectors, services
from .calculations import COUNTS, RATES, SYMBOLS, display, display_count, rates_for
from .forms import AuthoritiesFilterForm, ForecastForm, ReturnForm, UploadForm
from .models import ReportingUnit, WorkforceReturn
from .reports import ATTRIBUTION, chart_blocks, unit_report_csv, unit_report_xlsx
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
    return {name: form.data.get(name, "") for name in COUNTS}


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
    form = ReturnForm(request.POST or None, units=units, initial={"year": year, "unit": str(unit.pk)})
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
        form.add_problems(exc.problems)
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
            "counts": [(COUNTS[n], display_count(counts[n])) for n in COUNTS],
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
    form = ReturnForm(request.POST or None, with_year=False, with_reason=correcting, initial=initial)
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
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.upload_returns(
                data=form.cleaned_data["file"].read(), by=request.user, reason=form.cleaned_data["reason"]
            )
        except ReturnProblems as exc:
            problems = exc.problems
            form.add_problems(exc.problems)
        except ServiceError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request,
                f"Your file has been checked: {counts['created']} return(s) saved as drafts, "
                f"{counts['corrected']} corrected, {counts['unchanged']} unchanged. Check and submit each draft.",
            )
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


def _report_context(request):
    unit = _unit_for(request, selectors.units_for(request.user))
    return unit, selectors.unit_report(unit)


@login_required
@permission_required("workforce.view_own_report", raise_exception=True)
def report(request):
    unit, data = _report_context(request)
    ranks = [
        (
            rate.label,
            data.ranks.get(name),
            display(data.own[data.latest_year].rates.get(name)) if data.latest_year in data.own else "x",
        )
        for name, rate in RATES.items()
    ]
    return render(
        request,
        "workforce/report.html",
        {
            "page_title": f"Workforce report: {unit.name}",
            "report": data,
            "blocks": chart_blocks(data),
            "ranks": ranks,
            "rates": RATES,
            "neighbours": [
                (link, [display(stat.get_value(n)) if stat else "no figures" for n in RATES])
                for link, stat in data.neighbours
            ],
            "attribution": ATTRIBUTION,
            "symbols": SYMBOLS,
            "units": selectors.units_for(request.user),
        },
    )


@login_required
@permission_required("workforce.view_own_report", raise_exception=True)
def report_download(request, kind):
    unit, data = _report_context(request)
    name = f"workforce-report-{unit.code.replace(' / ', '-')}"
    if kind == "csv":
        response = HttpResponse(unit_report_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if kind == "xlsx":
        response = HttpResponse(
            unit_report_xlsx(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
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
    unit, data = _report_context(request)
    base, defaults, problem = forecasting.baseline_and_defaults(data)
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
            "years": years,
            "problem": problem,
        },
    )


@login_required
@permission_required("workforce.view_all_authorities", raise_exception=True)
def authorities(request):
    years = selectors.years_with_returns()
    regions = list(selectors.all_regions())
    form = AuthoritiesFilterForm(request.GET or None, years=years, regions=regions)
    year, region, sort, order = (years[0] if years else None), "", "name", "desc"
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        region = form.cleaned_data["region"] or ""
        sort = form.cleaned_data["sort"] or "name"
        order = form.cleaned_data["order"] or "desc"
    rows, summary = [], []
    if year:
        rows = selectors.authority_rows(year, region=region)
        if sort in RATES:
            numeric = [r for r in rows if isinstance(r.rates.get(sort), Decimal)]
            missing = [r for r in rows if not isinstance(r.rates.get(sort), Decimal)]
            numeric.sort(key=lambda r: r.rates[sort], reverse=order == "desc")
            rows = numeric + missing
        national = selectors.national_row(year)
        summary = ([national] if national and not region else []) + selectors.region_rows(year, region=region)
    return render(
        request,
        "workforce/authorities.html",
        {
            "page_title": "All authorities",
            "form": form,
            "year": year,
            "sort": sort,
            "order": order,
            "rates": RATES,
            "summary": [(r, [display(r.rates.get(n)) for n in RATES]) for r in summary],
            "rows": [(r, [display(r.rates.get(n)) for n in RATES]) for r in rows],
            "symbols": SYMBOLS,
        },
    )
