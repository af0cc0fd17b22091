"""Thin pages: parse the form, call one service or selector, render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.exports import streaming_csv_response
from accounts.forms import call_or_show_refusal, posted
from accounts.jobs import start_job
from accounts.services import ServiceError

from . import drafts, forms, selectors, services, years
from .models import Annotation, Application, ApplicationDocument, Condition, Employment, FitnessToPractiseCase, Order

PAGE_SIZE = 20


def _perm(name, fn=None):
    """Signed in and allowed. These pages show personal data, so no browser or proxy keeps a copy."""

    def decorator(view):
        return never_cache(login_required(permission_required(name, fn=fn, raise_exception=True)(view)))

    return decorator


def _own_entry_or_redirect(view):
    @wraps(view)
    def inner(request, *args, **kwargs):
        entry = selectors.own_entry(request.user)
        if entry is None:
            if kwargs:  # one of someone's records: not found, as for anyone whose record it is not
                raise Http404
            messages.info(request, "You are not on the register yet. Apply to register first.")
            return redirect("regulation:apply")
        return view(request, entry, *args, **kwargs)

    return never_cache(login_required(inner))


def employer_town(organisation) -> str:
    if organisation is None:
        return ""
    if not organisation.town and organisation.kind == "local_authority":
        return organisation.name
    return organisation.town


def public_row(entry) -> dict:
    """The only facts the public register shows about a person."""
    return {
        "registration_number": entry.registration_number,
        "name": entry.full_name,
        "status": entry.get_status_today_display(),
        "status_code": entry.status_today,
        "registered_on": entry.registered_on,
        "qualification": entry.qualification,
        "employer_town": employer_town(entry.current_employer),
        "conditions": [c.text for c in entry.conditions_in_force],
        "sanctions": [
            {"order": o.get_kind_display(), "from": o.starts_on, "until": o.expires_on} for o in entry.orders_in_force
        ],
        "annotations": [a.get_kind_display() for a in entry.annotations_in_force],
    }


# --- The public ------------------------------------------------------------------------------------------------


def searched_for(query: str = "", town: str = "") -> str:
    """What was searched, in words, for the "no one matches" message."""
    parts = []
    if (query or "").strip():
        parts.append(f"“{query.strip()}”")
    if (town or "").strip():
        parts.append(f"with an employer in {town.strip()}")
    return " ".join(parts) or "your search"


def check_register(request):
    form = forms.PublicSearchForm(request.GET or None)
    page = None
    query = ""
    searched = ""
    if request.GET and form.is_valid():
        searched = searched_for(form.cleaned_data["q"], form.cleaned_data["town"])
        results = selectors.public_search(query=form.cleaned_data["q"], town=form.cleaned_data["town"])
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        page.rows = [public_row(e) for e in page.object_list]
        query = request.GET.copy()
        query.pop("page", None)
        query = query.urlencode()
    return render(
        request,
        "regulation/check.html",
        {"form": form, "page": page, "query": query, "searched": searched, "page_title": "Check the register"},
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


# --- Social workers --------------------------------------------------------------------------------------------


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


# --- Employers ------------------------------------------------------------------------------------------------


@_perm("regulation.view_employed_staff")
def employer_staff(request):
    staff = selectors.employed_staff(request.user)
    return render(
        request,
        "regulation/employer_staff.html",
        {"staff": staff, "hours_expected": years.direct_work_hours_expected(), "page_title": "Your registered staff"},
    )


def _employment(request, pk):
    return get_object_or_404(Employment.objects.select_related("entry", "employer"), pk=pk)


@require_POST
@_perm("regulation.confirm_employment", fn=_employment)
def employment_confirm(request, pk):
    try:
        services.confirm_employment(employment=_employment(request, pk), by=request.user)
        messages.success(request, "Employment confirmed.")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("regulation:employer_staff")


@_perm("regulation.change_employment", fn=_employment)
def employment_end(request, pk):
    job = _employment(request, pk)
    # An end date already given can be corrected (the old one stays in the history).
    service = services.correct_employment_end if job.ended_on else services.end_employment
    form = forms.EndEmploymentForm(posted(request), initial={"ended_on": job.ended_on} if job.ended_on else None)
    if request.method == "POST" and form.is_valid():
        done = call_or_show_refusal(form, lambda: service(employment=job, by=request.user, **form.cleaned_data))
        if done:
            messages.success(request, f"{job} has ended.")
            mine = job.entry.user_id == request.user.pk
            return redirect("regulation:employment" if mine else "regulation:employer_staff")
    return render(
        request, "regulation/employment_end.html", {"employment": job, "form": form, "page_title": "End employment"}
    )


# --- Regulator staff --------------------------------------------------------------------------------------------


@_perm("regulation.review_applications")
def applications(request):
    page = Paginator(selectors.applications_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "regulation/applications.html", {"page": page, "page_title": "Applications to register"})


@_perm("regulation.review_applications")
def application_review(request, pk):
    application = get_object_or_404(Application.objects.select_related("employer", "applicant", "entry"), pk=pk)
    form = forms.DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        actions = {
            "approve": lambda: services.approve_application(application=application, by=request.user, reason=reason),
            "refuse": lambda: services.refuse_application(application=application, by=request.user, reason=reason),
            "more_information": lambda: services.request_more_information(
                application=application, by=request.user, request=reason
            ),
        }
        result = call_or_show_refusal(form, actions[decision])
        if result:
            if decision == "approve":
                messages.success(request, f"{result.full_name} is registered as {result.registration_number}.")
                return redirect("regulation:entry_detail", pk=result.pk)
            messages.success(request, "Decision recorded.")
            return redirect("regulation:applications")
    return render(
        request,
        "regulation/application_review.html",
        {
            "application": application,
            "form": form,
            "page_title": f"Application from {application.first_name} {application.last_name}",
        },
    )


@_perm("regulation.search_register")
def entries(request):
    form = forms.StaffSearchForm(request.GET or None)
    page, query, searched = None, "", ""
    if form.is_valid():
        searched = searched_for(form.cleaned_data["q"])
        results = selectors.staff_search(query=form.cleaned_data["q"], status=form.cleaned_data["status"])
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        query = params.urlencode()
    return render(
        request,
        "regulation/entries.html",
        {"form": form, "page": page, "query": query, "searched": searched, "page_title": "Search the register"},
    )


@_perm("regulation.search_register")
def entry_detail(request, pk):
    try:
        entry = selectors.entry_for_staff(pk)
    except selectors.RegisterEntry.DoesNotExist as exc:
        raise Http404 from exc
    today = timezone.localdate()
    history = Paginator(selectors.entry_history(entry), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "regulation/entry_detail.html",
        {
            "entry": entry,
            "today": today,
            "history": history,
            "position": services.renewal_position(entry),
            "hours": selectors.direct_work_total(entry),
            "page_title": f"{entry.registration_number} {entry.full_name}",
        },
    )


def _staff_form_page(
    request, *, entry_pk, form, call, success, title, template="regulation/staff_form.html", extra=None
):
    entry = get_object_or_404(selectors.RegisterEntry, pk=entry_pk)
    if request.method == "POST" and form.is_valid():
        result = call_or_show_refusal(form, lambda: call(entry, form.cleaned_data))
        if result is not None:
            messages.success(request, success)
            return redirect(reverse("regulation:entry_detail", args=[entry.pk]))
    return render(request, template, {"entry": entry, "form": form, "page_title": title, **(extra or {})})


@_perm("regulation.add_annotation")
def annotation_add(request, pk):
    return _staff_form_page(
        request,
        entry_pk=pk,
        form=forms.AnnotationForm(posted(request)),
        call=lambda entry, data: services.add_annotation(entry=entry, by=request.user, **data),
        success="Annotation added.",
        title="Add an annotation",
    )


@_perm("regulation.change_annotation")
def annotation_end(request, pk):
    annotation = get_object_or_404(Annotation, pk=pk)
    return _staff_form_page(
        request,
        entry_pk=annotation.entry_id,
        form=forms.EndAnnotationForm(posted(request)),
        call=lambda entry, data: services.end_annotation(annotation=annotation, by=request.user, **data),
        success="Annotation ended.",
        title=f"End annotation: {annotation}",
    )


@_perm("regulation.add_condition")
def condition_add(request, pk):
    entry = get_object_or_404(selectors.RegisterEntry, pk=pk)
    return _staff_form_page(
        request,
        entry_pk=pk,
        form=forms.ConditionForm(posted(request), entry=entry),
        call=lambda entry, data: services.add_condition(entry=entry, by=request.user, **data),
        success="Condition of practice added.",
        title="Add a condition of practice",
    )


@_perm("regulation.change_condition")
def condition_revoke(request, pk):
    condition = get_object_or_404(Condition, pk=pk)
    return _staff_form_page(
        request,
        entry_pk=condition.entry_id,
        form=forms.ReasonForm(posted(request)),
        call=lambda entry, data: services.revoke_condition(condition=condition, by=request.user, **data),
        success="Condition removed.",
        title="Remove a condition of practice",
        extra={"subject": condition.text},
    )


@_perm("regulation.change_registerentry")
def voluntary_removal(request, pk):
    return _staff_form_page(
        request,
        entry_pk=pk,
        form=forms.ReasonForm(posted(request)),
        call=lambda entry, data: services.remove_voluntarily(entry=entry, by=request.user, **data),
        success="The entry is now voluntarily removed.",
        title="Remove from the register at the person's request",
    )


@_perm("regulation.add_fitnesstopractisecase")
def case_add(request, pk):
    entry = get_object_or_404(selectors.RegisterEntry, pk=pk)
    form = forms.CaseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        case = call_or_show_refusal(form, lambda: services.open_case(entry=entry, by=request.user, **form.cleaned_data))
        if case:
            messages.success(request, f"{case} opened.")
            return redirect("regulation:case_detail", pk=case.pk)
    return render(
        request, "regulation/staff_form.html", {"entry": entry, "form": form, "page_title": "Record a concern"}
    )


@_perm("regulation.manage_ftp")
def cases(request):
    today = timezone.localdate()
    page = Paginator(selectors.open_cases(), PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.age = case.age_in_days(today)
    return render(request, "regulation/cases.html", {"page": page, "page_title": "Open fitness to practise cases"})


@_perm("regulation.manage_ftp")
def case_detail(request, pk):
    case = get_object_or_404(FitnessToPractiseCase, pk=pk)
    case = selectors.case_detail(case.pk)
    forms_by_name = {
        "stage": forms.StageForm(prefix="stage"),
        "interim": forms.InterimOrderForm(prefix="interim"),
        "outcome": forms.OutcomeForm(prefix="outcome"),
    }
    form = None
    action = request.POST.get("action") if request.method == "POST" else None
    if action in forms_by_name:
        form_class = type(forms_by_name[action])
        form = form_class(request.POST, prefix=action)
        forms_by_name[action] = form
        if form.is_valid():
            data = form.cleaned_data
            calls = {
                "stage": lambda: services.move_case_stage(case=case, by=request.user, **data),
                "interim": lambda: services.make_interim_order(case=case, by=request.user, **data),
                "outcome": lambda: services.record_outcome(case=case, by=request.user, **data),
            }
            if call_or_show_refusal(form, calls[action]) is not None:
                messages.success(request, "Recorded.")
                return redirect("regulation:case_detail", pk=case.pk)
    return render(
        request,
        "regulation/case_detail.html",
        {
            "case": case,
            "form": form,
            "stage_form": forms_by_name["stage"],
            "interim_form": forms_by_name["interim"],
            "outcome_form": forms_by_name["outcome"],
            "age": case.age_in_days(),
            "page_title": f"{case}: {case.entry.full_name}",
        },
    )


@_perm("regulation.change_order")
def order_revoke(request, pk):
    order = get_object_or_404(Order, pk=pk)
    return _staff_form_page(
        request,
        entry_pk=order.entry_id,
        form=forms.ReasonForm(posted(request)),
        call=lambda entry, data: services.revoke_order(order=order, by=request.user, **data),
        success="Order revoked.",
        title=f"Revoke {order.get_kind_display().lower()}",
        extra={"subject": str(order)},
    )
