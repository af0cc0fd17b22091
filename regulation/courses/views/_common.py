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
    check="",
):
    """``check`` (the confirming button's words) puts a "Check your answers" page between a valid form and a
    decision that cannot be taken back; "Change your answers" returns to the form as filled in."""
    confirming = check and "edit" not in request.POST and request.POST.get("confirm") != "yes"
    if request.method == "POST" and confirming and form.is_valid():
        return render(
            request,
            "regulation/courses/check_page.html",
            {
                "page_title": f"Check your answers: {title[0].lower()}{title[1:]}",
                "caption": caption,
                "answers": _answers(form),
                "hidden": [
                    (name, value)
                    for name in request.POST
                    if name not in ("csrfmiddlewaretoken", "confirm", "edit")
                    for value in request.POST.getlist(name)
                ],
                "button": check,
                "back_url": back_url,
            },
        )
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
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


def _answers(form) -> list[tuple[str, str]]:
    """Each question with its answer as the person chose it (a choice's words, a date written out), skipping the
    ones left empty."""
    answers = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        choices = dict(getattr(field, "choices", []) or [])
        raw = form.data.get(name, value)
        if choices:
            shown = str(choices.get(raw, choices.get(value, value)))
        elif hasattr(value, "strftime"):
            shown = f"{value:%-d %B %Y}"
        else:
            shown = str(value)
        answers.append((str(field.label), shown))
    return answers


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
