"""Helpers shared by the views modules."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from rules.contrib.views import permission_required

from accounts.forms import call_or_show_refusal

from .. import selectors, services
from ..models import (
    Course,
    CourseApplication,
)

PAGE_SIZE = 25


def _perm(name):
    def decorator(view):
        return login_required(permission_required(name, raise_exception=True)(view))

    return decorator


def _check(request, perm, obj):
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied


def _form_page(
    request,
    *,
    form,
    call,
    success,
    redirect_to,
    title,
    caption="",
    intro="",
    button="Save",
    back_url="",
    multipart=False,
):
    if request.method == "POST" and form.is_valid():
        result = call_or_show_refusal(form, lambda: call(form.cleaned_data))
        if result is not None:
            if success:
                messages.success(request, success)
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    return render(
        request,
        "regulation/courses/form_page.html",
        {
            "form": form,
            "page_title": title,
            "caption": caption,
            "intro": intro,
            "button": button,
            "back_url": back_url,
            "multipart": multipart,
        },
    )


def _course(request, pk, perm="regulation.view_course"):
    try:
        course = selectors.course_detail(pk)
    except Course.DoesNotExist as exc:
        raise Http404 from exc
    _check(request, perm, course)
    return course


def _application(request, pk, perm="regulation.view_courseapplication"):
    try:
        application = selectors.application_detail(pk)
    except CourseApplication.DoesNotExist as exc:
        raise Http404 from exc
    _check(request, perm, application)
    return application


PROVIDER_SESSION_KEY = "course_lead_organisation"


def lead_organisations(user):
    """The education providers this person is a course lead at, by name."""
    return sorted(user.organisations_for("course_lead"), key=lambda o: o.name)


def _provider(request):
    """The provider the course lead is working for: the one they chose (kept in their session), or their only
    one, or the first by name until they choose."""
    organisations = lead_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    chosen = request.session.get(PROVIDER_SESSION_KEY)
    organisation = next((o for o in organisations if o.pk == chosen), organisations[0])
    provider = next((p for p in selectors.providers_for(request.user) if p.organisation_id == organisation.pk), None)
    return provider or services.provider_for_organisation(organisation=organisation, by=request.user)
