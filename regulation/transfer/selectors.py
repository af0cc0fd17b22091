from accounts.models import Job
from regulation.models import TransferredId

from .format import MAPPED, datasets
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


def records_held_here() -> list[str]:
    """One sentence saying what this service already holds, if anything, that a bundle's rows could collide with:
    a bundle loads into a service whose register and records are empty (its own regions, organisations and staff
    may be there), and only once."""
    held = []
    for ds in datasets():
        if ds.name in MAPPED or ds.shifted:
            continue
        rows = (ds.rows() if ds.rows else ds.model._default_manager.all()).count()
        if rows:
            meta = ds.model._meta
            held.append(f"{rows:,} {meta.verbose_name if rows == 1 else meta.verbose_name_plural}")
    earlier = TransferredId.objects.order_by("loaded_at").values_list("loaded_at", flat=True).first()
    if not held and earlier is None:
        return []
    if held:
        if len(held) > 4:
            held = [*held[:3], f"{len(held) - 3} other kinds of record"]
        listed = held[0] if len(held) == 1 else f"{', '.join(held[:-1])} and {held[-1]}"
        what = f"This service already holds records of its own ({listed})"
    else:
        what = f"A bundle was already loaded into this service on {earlier:%-d %B %Y}"
    return [
        f"{what}, and a bundle loads only into a service whose register, cases, courses, accreditation and "
        "early-career records are empty (its own regions, organisations and staff accounts may be there). The "
        "bundle itself may be sound; nothing was loaded."
    ]
