"""Candidates' observation pages: choosing a session (with reasonable adjustments) and cancelling it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import call_or_show_refusal
from accounts.services import ServiceError

from .. import forms_observation as forms
from .. import services
from ..models import Booking, Candidate
from ..selectors import observation as obs_selectors
from ._common import _candidate, _require


@login_required
def book(request, pk):
    c = _candidate(pk)
    _require(request, "accreditation.book_observation", c)
    sessions = obs_selectors.open_sessions_for(c) if c.stage == Candidate.Stage.OBSERVATION else []
    form = forms.BookForm(request.POST if request.method == "POST" else None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        session = form.sessions.get(form.cleaned_data["session"])
        booking = call_or_show_refusal(
            form,
            lambda: services.book_session(
                candidate=c, session=session, by=request.user, adjustments=form.cleaned_data["adjustments"]
            ),
        )
        if booking:
            return render(
                request,
                "accreditation/observation/booked.html",
                {"booking": booking, "c": c, "page_title": "Practice observation booked"},
            )
    blocked = ""
    if c.stage != Candidate.Stage.OBSERVATION or not c.is_active:
        blocked = "You can book a practice observation once you have passed the knowledge assessment."
    elif not sessions:
        blocked = "There are no sessions with places free at the moment. Check again soon."
    return render(
        request,
        "accreditation/observation/book.html",
        {"c": c, "form": form, "blocked": blocked, "page_title": "Book your practice observation"},
    )


@require_POST
@login_required
def cancel(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("candidate"), pk=pk)
    _require(request, "accreditation.book_observation", booking.candidate)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why you are cancelling.")
    else:
        try:
            services.cancel_booking(booking=booking, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "Your booking is cancelled. You can book another session.")
        except ServiceError as exc:
            messages.error(request, str(exc))
    return redirect("accreditation:candidate", pk=booking.candidate_id)
