"""Background work for the register: proof of registration as a PDF, made by the worker."""

from __future__ import annotations

from django.utils import timezone

from accounts.jobs import JobContext, job_handler


@job_handler("register_proof_pdf")
def build_proof_of_registration(context: JobContext) -> None:
    from accounts.pdf import render_pdf

    from . import selectors
    from .views import public_row

    entry = selectors.entry_for_proof(context.params["entry_id"])
    context.progress(30, "Writing the PDF")
    content = render_pdf(
        "regulation/proof_pdf.html",
        {"entry": entry, "row": public_row(entry), "made_at": timezone.localtime()},
    )
    context.save_result(
        filename=f"proof-of-registration-{entry.registration_number}.pdf",
        content=content,
        content_type="application/pdf",
    )
