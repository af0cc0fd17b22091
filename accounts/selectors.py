"""Reads for the platform, scoped to what the person may see."""

from django.db.models import QuerySet

from .models import AuditEvent, Job, Organisation, User


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("region").prefetch_related("ons_codes")
    if user.has_role("regulator_staff"):
        return qs
    return qs.filter(memberships__user=user, memberships__ended_on__isnull=True).distinct()


def jobs_for(user: User) -> QuerySet[Job]:
    return Job.objects.filter(created_by=user)


def history_for(obj) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.for_object(obj).select_related("actor")
