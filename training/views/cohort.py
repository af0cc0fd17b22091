"""The co-ordinator's cohort (with its download) and enrolment, with its "Check your answers"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from accounts.exports import streaming_csv_response
from accounts.forms import call_or_show_refusal, posted
from accounts.models import Organisation
from accounts.pagination import IdsFirstPaginator

from .. import forms, selectors, services
from ..models import Enrolment, due_date
from ..rules import coordinator_org_ids

# --- Cohort ---------------------------------------------------------------------------------------------------

# Enrolments read per query when streaming the download, their records prefetched per chunk.
CSV_CHUNK = 500

COHORT_HEADER = [
    "Participant",
    "Registration number",
    "Programme",
    "Employer",
    "Cohort",
    "Team",
    "FTE",
    "Start date",
    "End date",
    "Status",
    "Next review",
    "Next review due",
    "Supervision",
    "Next supervision due",
    "Overdue",
    "Months above caseload",
    "Protected time expected (hours)",
    "Protected time recorded (hours)",
    "Protected time shortfall (hours)",
]


def _cohort_csv_rows(rows):
    for r in rows:
        e = r.enrolment
        yield [
            e.participant_name,
            e.registration_number,
            e.programme.short_name,
            e.employer.name,
            e.cohort,
            e.team,
            str(e.fte),
            e.start_date.isoformat(),
            e.end_date.isoformat(),
            "Paused" if r.paused else e.get_status_display(),
            r.next_point.label if r.next_point else "",
            r.next_point.due_on.isoformat() if r.next_point else "",
            r.supervision.state,
            r.supervision.next_due.isoformat() if e.status == "active" else "",
            "; ".join(r.overdue),
            r.caseload_above,
            str(r.protected.expected),
            str(r.protected.recorded),
            str(r.protected.shortfall) if r.protected.behind else "0",
        ]


COHORT_PER_PAGE = 50


@login_required
def cohort(request):
    if not request.user.has_perm("training.view_cohort"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in Enrolment.Status.values:
        status = ""
    show = request.GET.get("show", "")
    if show not in selectors.COHORT_VIEWS:
        show = ""
    enrolments = selectors.cohort(request.user, status=status, show=show, schedule_only=True)
    if request.GET.get("format") == "csv":
        rows = selectors.iter_cohort_rows(enrolments.iterator(chunk_size=CSV_CHUNK))
        return streaming_csv_response("early-career-cohort.csv", COHORT_HEADER, _cohort_csv_rows(rows))
    page = IdsFirstPaginator(enrolments, COHORT_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.cohort_rows(page.object_list)
    query = urlencode({k: v for k, v in (("status", status), ("show", show)) if v})
    return render(
        request,
        "training/cohort.html",
        {
            "rows": page,
            "query": query,
            "summary": selectors.cohort_summary(selectors.cohort(request.user, status=status)),
            "status": status,
            "statuses": Enrolment.Status.choices,
            "show": show,
            "show_label": selectors.COHORT_VIEWS[show],
            "views": selectors.COHORT_VIEWS.items(),
            "can_enrol": request.user.has_perm("training.add_enrolment"),
            "page_title": "Early career cohort",
        },
    )


def _employer_for(request) -> Organisation:
    org_ids = sorted(coordinator_org_ids(request.user))
    if not org_ids:
        raise PermissionDenied
    wanted = request.GET.get("employer") or request.POST.get("employer")
    pk = int(wanted) if wanted and wanted.isdigit() and int(wanted) in org_ids else org_ids[0]
    return Organisation.objects.get(pk=pk)


@login_required
def enrol(request):
    if not request.user.has_perm("training.add_enrolment"):
        raise PermissionDenied
    employer = _employer_for(request)
    form = forms.EnrolForm(posted(request), employer=employer)
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        data = form.cleaned_data
        entry, refusal = services.eligibility_refusal(
            registration_number=data["registration_number"], start_date=data["start_date"]
        )
        if entry is None:
            form.add_error("registration_number", refusal)
        elif "confirm" not in request.POST:
            return render(
                request,
                "training/enrol_check.html",
                {
                    "form": form,
                    "entry": entry,
                    "employer": employer,
                    "end_date": due_date(data["start_date"], data["programme"].length_months, data["fte"]),
                    "people": {name: form.person(name) for name in ("supervisor", "assessor", "line_manager")},
                    "hidden": [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")],
                    "page_title": "Check your answers before enrolling",
                },
            )
        else:
            enrolment = call_or_show_refusal(
                form,
                lambda: services.enrol(
                    by=request.user,
                    programme=data["programme"],
                    registration_number=data["registration_number"],
                    employer=employer,
                    start_date=data["start_date"],
                    supervisor=form.person("supervisor"),
                    assessor=form.person("assessor"),
                    line_manager=form.person("line_manager"),
                    team=data["team"],
                    fte=data["fte"],
                    cohort=data["cohort"],
                ),
            )
            if enrolment:
                if enrolment.assessor_is_line_manager:
                    messages.warning(
                        request,
                        "The assessor is also the participant's line manager. The programme "
                        "expects an assessor independent of line management where possible.",
                    )
                return redirect("training:done", enrolment.pk, "enrolled")
    return render(
        request,
        "training/enrol.html",
        {
            "form": form,
            "employer": employer,
            "page_title": "Enrol a newly qualified social worker",
        },
    )
