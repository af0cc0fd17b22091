"""The public list of approved and formerly approved courses, as a page and CSV."""

from __future__ import annotations

import rules
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.exports import streaming_csv_response

from .. import forms, selectors
from ._common import PAGE_SIZE


def _public_results(request):
    form = forms.PublicSearchForm(request.GET or None, regions=selectors.public_regions())
    filters = form.cleaned_data if form.is_valid() else {}
    courses = selectors.public_courses(
        q=filters.get("q", ""),
        level=filters.get("level", ""),
        mode=filters.get("mode", ""),
        status=filters.get("status", ""),
        region=filters.get("region", ""),
    )
    return form, courses


def public_list(request):
    form, courses = _public_results(request)
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "regulation/courses/public_list.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "page_title": "Approved social work courses",
            "can_review": rules.has_perm("regulation.review_courses", request.user),
        },
    )


PUBLIC_HEADER = ["Provider", "Course", "Award", "Level", "Mode", "Site", "Status", "Approved from", "Approval ended"]


def public_rows(courses):
    for course in courses:
        yield [
            course.provider.name,
            course.title,
            course.award,
            course.get_level_display(),
            course.get_mode_display(),
            course.site,
            course.public_status,
            course.approved_on.isoformat(),
            course.approval_ended_on.isoformat() if course.approval_ended_on else "",
        ]


def public_csv(request):
    _form, courses = _public_results(request)
    return streaming_csv_response("approved-social-work-courses.csv", PUBLIC_HEADER, public_rows(courses.iterator()))
