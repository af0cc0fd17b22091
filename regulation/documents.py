"""Evidence uploaded with an application: checked by what the file is, not by its name, before anything is saved."""

from __future__ import annotations

from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
KINDS = {
    b"%PDF-": ("application/pdf", "PDF"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "PNG"),
    b"\xff\xd8\xff": ("image/jpeg", "JPEG"),
}


def sniff(upload) -> str:
    """The content type of an upload from its first bytes, or a ValidationError naming what is wrong."""
    if upload.size == 0:
        raise ValidationError("The selected file is empty")
    if upload.size > MAX_BYTES:
        raise ValidationError(f"The selected file must be smaller than {MAX_BYTES // (1024 * 1024)}MB")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, (content_type, _) in KINDS.items():
        if head.startswith(magic):
            return content_type
    raise ValidationError("The selected file must be a PDF, JPG or PNG")
