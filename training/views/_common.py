"""What every early-career page shares: a service's refusal shown on the form, and the record looked up with
its permission (a record you may not see is answered as if it did not exist)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import Enrolment


def enrolment_or_404(request, pk: int, perm: str = "training.view_enrolment") -> Enrolment:
    enrolment = get_object_or_404(Enrolment.objects.select_related("programme", "employer"), pk=pk)
    if not request.user.has_perm("training.view_enrolment", enrolment):
        raise Http404  # a record you may not see is not confirmed to exist
    if not request.user.has_perm(perm, enrolment):
        raise PermissionDenied
    return enrolment
