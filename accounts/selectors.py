"""Reads for the platform, scoped to what the person may see."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent, Job, Notification, Organisation, Region, User


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


def region_ids() -> dict[str, int]:
    """Every region this service holds, as ONS code → id."""
    return dict(Region.objects.values_list("code", "pk"))


def content_type_ids(keys: set) -> dict:
    """``app_label.model`` → this service's content type id, for the kinds of record ``keys`` names that it has
    (a transfer bundle names the record a message or an audit event is about by its kind and id)."""
    wanted = {tuple(key.split(".", 1)): key for key in keys if "." in key}
    found = {}
    for pk, app_label, model in ContentType.objects.values_list("pk", "app_label", "model"):
        key = wanted.get((app_label, model))
        if key is not None:
            found[key] = pk
    return found


def _record_type():
    """A content type as ``app_label.model`` (null where there is none)."""
    from django.db.models import Case, F, Value, When
    from django.db.models.functions import Concat

    return Case(
        When(content_type__isnull=True, then=None),
        default=Concat(F("content_type__app_label"), Value("."), F("content_type__model")),
        output_field=models.CharField(),
    )


def transfer_datasets() -> list:
    """The messages sent about records and the audit log, in a regulator's transfer bundle (found by
    regulation.transfer; docs/transfer-format.md). A message still waiting to be sent is not in it: it is the
    predecessor's to send, and a successor loading it would send it again."""
    from regulation.transfer.format import DATETIME, JSON, TEXT, Dataset, column, id_column, user_column

    C = column

    def record_type(*, nullable: bool):
        return C(
            "record_type",
            "record_type",
            TEXT,
            "The kind of record it is about, as app.model (such as regulation.registerentry).",
            nullable=nullable,
            field="content_type_id",
            resolve=content_type_ids,
        )

    record_id = C(
        "record_id",
        "object_id",
        TEXT,
        "The record's id, as text: for a record in the bundle, its id there.",
        field="object_id",
    )
    return [
        Dataset(
            "messages_sent",
            "accounts.Notification",
            "Each email sent about a record (or not sent because the person turned such reminders off): to whom, "
            "what it said and when.",
            (
                id_column("message"),
                C("key", "key", TEXT, "The event, record and recipient it was sent for: each is sent once."),
                C("event", "event", TEXT, "What happened (the message's template)."),
                user_column("recipient", "recipient__email", "The recipient's account, if they have one."),
                C("email", "email", TEXT, "The address it was sent to."),
                C("subject", "subject", TEXT, "Subject."),
                C("body", "body", TEXT, "The text sent."),
                record_type(nullable=True),
                record_id,
                C(
                    "status",
                    "status",
                    TEXT,
                    "Sent, or not sent because the person turned such reminders off.",
                    choices=(Notification.Status.SENT.value, Notification.Status.TURNED_OFF.value),
                ),
                C("created_at", "created_at", DATETIME, "When it was written."),
                C("handed_over_at", "handed_over_at", DATETIME, "When it was handed to the mail queue.", nullable=True),
                C("sent_at", "sent_at", DATETIME, "When it was sent.", nullable=True),
            ),
            since_fields=("created_at", "sent_at"),
            rows=lambda: Notification.objects.filter(
                status__in=(Notification.Status.SENT, Notification.Status.TURNED_OFF)
            ).annotate(record_type=_record_type()),
            busy=True,
        ),
        Dataset(
            "audit_events",
            "accounts.AuditEvent",
            "The audit log: who did what to which record, when, from what state to what, and why. The successor's "
            "own events (before the load and since) follow the loaded ones.",
            (
                id_column("event"),
                C("occurred_at", "occurred_at", DATETIME, "When."),
                user_column("actor", "actor__email", "Who acted; empty when the service did it itself."),
                C("actor_label", "actor_label", TEXT, "Who acted, as recorded at the time (system for the service)."),
                C("action", "action", TEXT, "What was done."),
                record_type(nullable=False),
                record_id,
                C("record_name", "object_repr", TEXT, "The record as named at the time.", field="object_repr"),
                C("from_state", "from_state", TEXT, "State before."),
                C("to_state", "to_state", TEXT, "State after."),
                C("reason", "reason", TEXT, "Why."),
                C("changes", "changes", JSON, "What changed, as recorded at the time."),
            ),
            since_fields=("occurred_at",),
            rows=lambda: AuditEvent.objects.annotate(record_type=_record_type()),
            shifted=True,
        ),
    ]
