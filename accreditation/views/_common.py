"""What every pathway page shares: permission checks and calling a service from a form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rules.contrib.views import permission_required

from .. import selectors
from ..models import Candidate


def _perm(name):
    def decorator(view):
        return login_required(permission_required(name, raise_exception=True)(view))

    return decorator


def _require(request, perm, obj=None):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _candidate(pk) -> Candidate:
    try:
        return selectors.candidate_detail(pk)
    except Candidate.DoesNotExist as exc:
        raise Http404 from exc
