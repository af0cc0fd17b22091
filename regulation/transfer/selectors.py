from accounts.models import Job

from .jobs import KIND
from .loading import IMPORT_KIND


def transfer_jobs(limit: int = 20):
    """Every regulator may see the team's exports: a transfer is the regulator's, not one person's."""
    return Job.objects.filter(kind=KIND).select_related("created_by").order_by("-created_at")[:limit]


def transfer_job(pk) -> Job | None:
    return Job.objects.filter(kind=KIND, pk=pk).select_related("created_by").first()


def import_jobs(limit: int = 20):
    return Job.objects.filter(kind=IMPORT_KIND).select_related("created_by").order_by("-created_at")[:limit]


def import_job(pk) -> Job | None:
    return Job.objects.filter(kind=IMPORT_KIND, pk=pk).select_related("created_by").first()


def import_problems(job: Job) -> list[str]:
    """What was wrong with a refused bundle, as recorded in its audit event."""
    from accounts.models import AuditEvent

    event = AuditEvent.objects.for_object(job).filter(action="transfer_import_refused").order_by("-occurred_at").first()
    return event.changes.get("problems", []) if event else []
