from accounts.models import Job

from .jobs import KIND


def transfer_jobs(limit: int = 20):
    """Every regulator may see the team's exports: a transfer is the regulator's, not one person's."""
    return Job.objects.filter(kind=KIND).select_related("created_by").order_by("-created_at")[:limit]


def transfer_job(pk) -> Job | None:
    return Job.objects.filter(kind=KIND, pk=pk).select_related("created_by").first()
