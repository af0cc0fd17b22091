"""What the register's pages share: the permission decorators, the public facts about a person, the staff form page."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from rules.contrib.views import permission_required

from accounts.forms import call_or_show_refusal

from .. import selectors

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


def searched_for(query: str = "", town: str = "") -> str:
    """What was searched, in words, for the "no one matches" message."""
    parts = []
    if (query or "").strip():
        parts.append(f"“{query.strip()}”")
    if (town or "").strip():
        parts.append(f"with an employer in {town.strip()}")
    return " ".join(parts) or "your search"


def more_than_shown(results, searched: str, *, staff: bool = False) -> str:
    """What the page and the API say when a search matches more people than it shows, or "" when it does not."""
    if not getattr(results, "more_than_shown", False):
        return ""
    shown = f"{results.count():,}"
    narrow = "their first name" if staff else "their first name or the town where they work"
    return (
        f"More than {shown} people match {searched}. These are the first {shown}, surnames first. "
        f"To find someone, add {narrow}, or search by registration number."
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
