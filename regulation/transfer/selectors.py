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


def import_refusal(job: Job) -> dict:
    """Why a bundle was refused, as recorded in its audit event: the problems, and whose fault ("bundle": its
    producer must correct it; "service": this service already holds records and cannot take it)."""
    from accounts.models import AuditEvent

    event = AuditEvent.objects.for_object(job).filter(action="transfer_import_refused").order_by("-occurred_at").first()
    changes = event.changes if event else {}
    return {"problems": changes.get("problems", []), "fault": changes.get("fault", "bundle")}
