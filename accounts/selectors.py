"""Reads for the platform, scoped to what the person may see."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent, Job, Notification, Organisation, User


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("region").prefetch_related("ons_codes")
    if user.has_role("regulator_staff"):
        return qs
    return qs.filter(memberships__user=user, memberships__ended_on__isnull=True).distinct()


def organisation_names(ids) -> dict[int, tuple[str, str]]:
    """Organisation id → (name, region name or ""), for labelling figures another app counted by id."""
    return {
        row["id"]: (row["name"], row["region__name"] or "")
        for row in Organisation.objects.filter(id__in=set(ids)).values("id", "name", "region__name")
    }


def jobs_for(user: User) -> QuerySet[Job]:
    return Job.objects.filter(created_by=user)


def history_for(obj, user: User | None = None) -> QuerySet[AuditEvent]:
    """A record's audit events as ``user`` may see them.

    Someone who may not see the reasons sees only the events the model lists in ``public_history_actions``
    (when it lists them); the page leaves the reasons out for them (``accounts.view_history_reasons``). An event the
    model lists in ``restricted_history_actions`` is shown only to those with the permission it names.
    """
    events = AuditEvent.objects.for_object(obj).select_related("actor")
    restricted = getattr(type(obj), "restricted_history_actions", {})
    hidden = [action for action, perm in restricted.items() if user is not None and not user.has_perm(perm, obj)]
    if hidden:
        events = events.exclude(action__in=hidden)
    if user is None or user.has_perm("accounts.view_history_reasons", obj):
        return events
    public = getattr(type(obj), "public_history_actions", None)
    if public is not None:
        events = events.filter(action__in=public)
    return events


def messages_for(user: User) -> QuerySet[Notification]:
    """The emails sent (or waiting to be sent) to this person, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def messages_about(obj) -> QuerySet[Notification]:
    """The emails sent about one record, for staff reading its history."""
    return Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("-created_at", "-id")


def job_counts_by_status() -> dict[str, int]:
    """Every job status with how many jobs are in it (0 for none), for the metrics endpoint."""
    counts = dict.fromkeys(Job.Status.values, 0)
    for row in Job.objects.order_by().values("status").annotate(n=models.Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def notifications_waiting_by_status() -> dict[str, int]:
    """Messages still in the outbox (not yet sent, and not turned off), by status."""
    waiting = [Notification.Status.QUEUED, Notification.Status.SENDING]
    counts = dict.fromkeys(waiting, 0)
    rows = Notification.objects.filter(status__in=waiting).order_by().values("status").annotate(n=models.Count("pk"))
    for row in rows:
        counts[row["status"]] = row["n"]
    return {str(status): n for status, n in counts.items()}
