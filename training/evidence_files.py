"""Files added as early-career evidence, checked whole by what they are before anything is saved.

Reflective logs and written work arrive as PDF or Office documents; feedback from a family is often a photo or a
scan. Both are recognised by the checks the register already uses, called, not copied:
``regulation.courses.uploads.check_upload`` (PDF and Office, by content, size-limited, the name's extension
agreeing) and ``regulation.documents.sniff`` (PDF, JPG, PNG by their first bytes, size-limited).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts import archives
from regulation import documents
from regulation.courses import uploads

ALLOWED_LIST = "PDF, Word, Excel, PowerPoint, OpenDocument, JPG or PNG"
IMAGE_EXTENSIONS = {"image/png": {"png"}, "image/jpeg": {"jpg", "jpeg"}}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "image/png": "image/png",
    "image/jpeg": "image/jpeg",
}


class EvidenceFileRefused(ValueError):
    """The message is written for the person who chose the file."""


def max_bytes() -> int:
    return min(uploads.max_bytes(), documents.MAX_BYTES)


def _image_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return next(
        (ct for magic, (ct, _) in documents.KINDS.items() if ct.startswith("image/") and head.startswith(magic)), None
    )


def check(upload, *, label: str = "The file") -> tuple[bytes, str]:
    """The whole content and its detected type, or ``EvidenceFileRefused`` saying what is wrong."""
    if upload is None:
        raise EvidenceFileRefused(f"{label}: choose a file to upload.")
    image = _image_type(upload)
    if image is None:
        try:
            return uploads.check_upload(upload, label=label)
        except uploads.UploadRefused as exc:
            upload.seek(0)
            head = upload.read(max_bytes() + 1)
            upload.seek(0)
            try:
                unrecognised = bool(head) and len(head) <= max_bytes() and uploads.detect_type(head) is None
            except archives.ArchiveRefused:
                unrecognised = False  # refused for its unpacked size: check_upload's message says so
            if unrecognised:
                raise EvidenceFileRefused(f"{label} must be a {ALLOWED_LIST} file.") from exc
            raise EvidenceFileRefused(str(exc)) from exc
    try:
        documents.sniff(upload)
    except ValidationError as exc:
        raise EvidenceFileRefused(exc.messages[0].replace("The selected file", label) + ".") from exc
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in IMAGE_EXTENSIONS[image]:
        raise EvidenceFileRefused(f"{label}'s name ends .{extension or '(nothing)'} but it is not that kind of file.")
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return content, image


def content_type(detected: str) -> str:
    return CONTENT_TYPES.get(detected, "application/octet-stream")


def download(item):
    """The stored file of an evidence item as a download, under the name it was uploaded with and the type its
    content was found to be (never a type the browser should guess at)."""
    from django.http import FileResponse

    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=content_type(item.detected_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
