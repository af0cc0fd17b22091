"""Regulator staff start an export, watch it, view its manifest and download the bundle (each download audited)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from accounts.forms import posted
from accounts.jobs import status_payload
from accounts.services import ServiceError

from . import selectors, services
from .forms import ExportForm, ImportForm
from .jobs import bundle_filename, bundle_name, bundle_ready, manifest_of
from .loading import CHECK


def _regulator(request):
    if not request.user.has_perm("regulation.transfer_register"):
        raise PermissionDenied


def _job(request, pk):
    _regulator(request)
    job = selectors.transfer_job(pk)
    if job is None:
        raise Http404
    return job


@login_required
def home(request):
    _regulator(request)
    form = ExportForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_export(by=request.user, since=form.cleaned_data["since"])
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("transfer:detail", job.pk)
    return render(
        request,
        "regulation/transfer/home.html",
        {
            "form": form,
            "jobs": selectors.transfer_jobs(),
            "imports": selectors.import_jobs(),
            "page_title": "Transfer the register",
        },
    )


@never_cache
@login_required
def detail(request, pk):
    job = _job(request, pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(status_payload(job))
    manifest = manifest_of(job)
    return render(
        request,
        "regulation/transfer/detail.html",
        {
            "job": job,
            "manifest": manifest,
            "files": sorted(manifest["files"].items()) if manifest else [],
            "filename": bundle_filename(job),
            "page_title": job.title,
        },
    )


@login_required
def download(request, pk):
    job = _job(request, pk)
    if not bundle_ready(job):
        raise Http404("This bundle is not ready.")
    services.record_download(job=job, by=request.user)
    return FileResponse(
        default_storage.open(bundle_name(job), "rb"),
        as_attachment=True,
        filename=bundle_filename(job),
        content_type="application/zip",
    )


@login_required
def manifest(request, pk):
    job = _job(request, pk)
    data = manifest_of(job)
    if data is None:
        raise Http404("This bundle is not ready.")
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'inline; filename="manifest.json"'
    return response


@login_required
def load_start(request):
    _regulator(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import_check(by=request.user, upload=form.cleaned_data["bundle"])
        except ServiceError as exc:
            form.add_error("bundle", str(exc))
        else:
            return redirect("transfer:load_detail", job.pk)
    return render(
        request, "regulation/transfer/load.html", {"form": form, "page_title": "Load a bundle from a predecessor"}
    )


def _import_job(request, pk):
    _regulator(request)
    job = selectors.import_job(pk)
    if job is None:
        raise Http404
    return job


@never_cache
@login_required
def load_detail(request, pk):
    job = _import_job(request, pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(status_payload(job))
    checked = job.params.get("checked") or {}
    return render(
        request,
        "regulation/transfer/load_detail.html",
        {
            "job": job,
            "stage": job.params.get("stage"),
            "checked": checked,
            "rows": sorted((checked.get("rows") or {}).items()) if checked else [],
            "loaded": sorted((job.params.get("loaded") or {}).items()),
            "refusal": selectors.import_refusal(job) if job.status == job.Status.FAILED else {},
            # A sound bundle that this service cannot take says so here, not after the load is asked for.
            "held": (
                selectors.records_held_here()
                if job.params.get("stage") == CHECK and job.status == job.Status.SUCCEEDED
                else []
            ),
            "page_title": job.title,
        },
    )


@login_required
def load_confirm(request, pk):
    job = _import_job(request, pk)
    if request.method != "POST":
        return redirect("transfer:load_detail", job.pk)
    try:
        load = services.start_import_load(checked=job, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("transfer:load_detail", job.pk)
    return redirect("transfer:load_detail", load.pk)
