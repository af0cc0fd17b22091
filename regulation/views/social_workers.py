"""Social workers' own pages: applying, their registration, CPD, renewal, direct work and employment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import call_or_show_refusal, posted
from accounts.jobs import start_job
from accounts.services import ServiceError

from .. import drafts, forms, selectors, services, years
from ..models import ApplicationDocument
from ._common import _own_entry_or_redirect


@never_cache
@login_required
def apply(request):
    latest = selectors.latest_application(request.user)
    if latest and latest.is_open:
        return redirect("regulation:my_application")
    entry = selectors.own_entry(request.user)
    if entry and entry.status_today in services.RESTORABLE:
        return _apply_for_restoration(request, entry)
    if entry:
        return redirect("regulation:my_registration")
    user = request.user
    draft = drafts.get(request)
    sent_files = drafts.file_names(draft)
    if request.method == "POST":
        form = forms.ApplicationForm(request.POST, request.FILES, sent_files=sent_files)
        if form.is_valid():
            drafts.save(request, form)
            return redirect("regulation:apply_check")
    elif draft:  # back from "Check your answers" to change something: the answers as given
        form = forms.ApplicationForm(drafts.answers(draft), sent_files=sent_files)
    else:
        employer = next(iter(user.organisations_for("social_worker")), None)
        form = forms.ApplicationForm(
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "employer": employer,
            }
        )
    return render(request, "regulation/apply.html", {"form": form, "page_title": "Apply to register"})


@never_cache
@login_required
def apply_check(request):
    """GOV.UK "Check your answers": every answer with a link to change it, then the declaration and send."""
    latest = selectors.latest_application(request.user)
    if latest and latest.is_open:
        return redirect("regulation:my_application")
    draft = drafts.get(request)
    if draft is None:
        return redirect("regulation:apply")
    answers = forms.ApplicationForm(drafts.answers(draft), sent_files=drafts.file_names(draft))
    if not answers.is_valid():  # e.g. a course withdrawn meanwhile: the form page says what to fix
        return redirect("regulation:apply")
    declaration = forms.DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and declaration.is_valid():
        files = drafts.open_files(draft)
        try:
            application = call_or_show_refusal(
                declaration,
                lambda: services.submit_application(
                    applicant=request.user, declared=True, **answers.service_arguments(sent=files)
                ),
            )
        finally:
            for file in files.values():
                file.close()
        if application:
            drafts.discard(request)
            return redirect("regulation:application_sent")
    return render(
        request,
        "regulation/apply_check.html",
        {
            "answers": answers.cleaned_data,
            "files": drafts.file_names(draft),
            "form": declaration,
            "page_title": "Check your answers before sending your application",
        },
    )


def _apply_for_restoration(request, entry):
    form = forms.RestorationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        application = call_or_show_refusal(
            form, lambda: services.apply_for_restoration(entry=entry, by=request.user, **form.cleaned_data)
        )
        if application:
            messages.success(request, "Your application to return to the register has been sent to the regulator.")
            return redirect("regulation:my_application")
    return render(
        request,
        "regulation/apply_restore.html",
        {"entry": entry, "form": form, "page_title": "Apply to return to the register"},
    )


@never_cache
@login_required
def application_sent(request):
    """The GOV.UK confirmation page: what was sent and what happens next."""
    application = selectors.latest_application(request.user)
    if application is None:
        return redirect("regulation:apply")
    return render(
        request, "regulation/application_sent.html", {"application": application, "page_title": "Application sent"}
    )


@require_POST
@login_required
def application_withdraw(request):
    application = selectors.latest_application(request.user)
    if application is None:
        raise Http404
    try:
        services.withdraw_application(application=application, by=request.user)
        messages.success(request, "Your application has been withdrawn.")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("regulation:my_application")


def _document(request, pk, doc_pk):
    return get_object_or_404(ApplicationDocument.objects.select_related("application"), pk=doc_pk, application_id=pk)


@never_cache
@login_required
def application_document(request, pk, doc_pk):
    """Evidence is shown to the applicant and regulator staff only; anyone else gets the same 404 as for a
    file that does not exist."""
    document = _document(request, pk, doc_pk)
    if not request.user.has_perm("regulation.view_application", document.application):
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@never_cache
@login_required
def my_application(request):
    application = selectors.latest_application(request.user)
    if application is None:
        return redirect("regulation:apply")
    form = forms.ResponseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = call_or_show_refusal(
            form,
            lambda: services.respond_to_request(
                application=application, by=request.user, response=form.cleaned_data["response"]
            ),
        )
        if done:
            messages.success(request, "Your answer has been sent.")
            return redirect("regulation:my_application")
    return render(
        request,
        "regulation/my_application.html",
        {"application": application, "form": form, "page_title": "Your application"},
    )


@_own_entry_or_redirect
def my_registration(request, entry):
    position = services.renewal_position(entry)
    return render(
        request,
        "regulation/my_registration.html",
        {
            "entry": entry,
            "position": position,
            "year_label": position["period_label"],
            "hours": selectors.direct_work_total(entry),
            "hours_expected": years.direct_work_hours_expected(),
            "employments": entry.employments.select_related("employer"),
            "can_restore": entry.status_today in services.RESTORABLE,
            "page_title": "Your registration",
        },
    )


@require_POST
@_own_entry_or_redirect
def proof_pdf(request, entry):
    """Proof of registration, made as a PDF by the worker; the job page shows progress and the download."""
    job = start_job(
        kind="register_proof_pdf",
        title=f"Proof of registration {entry.registration_number}",
        by=request.user,
        params={"entry_id": entry.pk},
    )
    return redirect("job_detail", pk=job.pk)


@_own_entry_or_redirect
def cpd(request, entry):
    form = forms.CPDForm(posted(request))
    if request.method == "POST" and form.is_valid():
        record = call_or_show_refusal(
            form, lambda: services.record_cpd(entry=entry, by=request.user, **form.cleaned_data)
        )
        if record:
            messages.success(request, f"“{record.title}” has been added to your CPD.")
            return redirect("regulation:cpd")
    return render(
        request,
        "regulation/cpd.html",
        {
            "entry": entry,
            "form": form,
            "records": services.cpd_with_locks(entry),
            "position": services.renewal_position(entry),
            "page_title": "Your CPD",
        },
    )


def _own_cpd(entry, pk):
    return get_object_or_404(entry.cpd_records.all(), pk=pk)


@_own_entry_or_redirect
def cpd_edit(request, entry, pk):
    record = _own_cpd(entry, pk)
    if services.cpd_is_locked(record):
        messages.info(request, "This record was counted when you renewed, so it can no longer be changed.")
        return redirect("regulation:cpd")
    initial = {f: getattr(record, f) for f in forms.CPDForm.base_fields}
    form = forms.CPDForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        done = call_or_show_refusal(
            form, lambda: services.update_cpd(record=record, by=request.user, **form.cleaned_data)
        )
        if done:
            messages.success(request, f"“{done.title}” has been changed.")
            return redirect("regulation:cpd")
    return render(
        request, "regulation/cpd_edit.html", {"record": record, "form": form, "page_title": "Change a CPD record"}
    )


@_own_entry_or_redirect
def cpd_delete(request, entry, pk):
    record = _own_cpd(entry, pk)
    error = ""
    if request.method == "POST":
        try:
            services.delete_cpd(record=record, by=request.user)
        except ServiceError as exc:
            error = str(exc)
        else:
            messages.success(request, f"“{record.title}” has been deleted.")
            return redirect("regulation:cpd")
    return render(
        request,
        "regulation/cpd_delete.html",
        {"record": record, "error": error, "page_title": "Delete a CPD record"},
    )


@_own_entry_or_redirect
def renew(request, entry):
    position = services.renewal_position(entry)
    error = ""
    if request.method == "POST":
        try:
            services.renew_registration(entry=entry, by=request.user)
        except ServiceError as exc:
            error = str(exc)
        else:
            messages.success(request, "Your registration has been renewed.")
            return redirect("regulation:my_registration")
    return render(
        request,
        "regulation/renew.html",
        {"entry": entry, "position": position, "error": error, "page_title": "Renew your registration"},
    )


@_own_entry_or_redirect
def direct_work(request, entry):
    form = forms.DirectWorkForm(posted(request))
    if request.method == "POST" and form.is_valid():
        log = call_or_show_refusal(
            form, lambda: services.log_direct_work(entry=entry, by=request.user, **form.cleaned_data)
        )
        if log:
            messages.success(request, f"{log.hours} hours of direct work logged.")
            return redirect("regulation:direct_work")
    start, end = years.counting_period(entry.registered_on, entry.registered_until)
    return render(
        request,
        "regulation/direct_work.html",
        {
            "entry": entry,
            "form": form,
            "logs": entry.direct_work.filter(worked_on__gte=start, worked_on__lte=end),
            "hours": selectors.direct_work_total(entry),
            "hours_expected": years.direct_work_hours_expected(),
            "year_label": years.period_label(start, end),
            "page_title": "Your direct work with children and families",
        },
    )


@_own_entry_or_redirect
def employment(request, entry):
    form = forms.EmploymentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        job = call_or_show_refusal(
            form, lambda: services.add_employment(entry=entry, by=request.user, **form.cleaned_data)
        )
        if job:
            messages.success(request, f"{job} has been added. Your employer will be asked to confirm it.")
            return redirect("regulation:employment")
    return render(
        request,
        "regulation/employment.html",
        {
            "entry": entry,
            "form": form,
            "employments": entry.employments.select_related("employer", "confirmed_by"),
            "page_title": "Your employment",
        },
    )
