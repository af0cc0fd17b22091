"""Evidence documents: PDF or Office files, recognised by their content, never by their name.

A file is read whole (it is size-limited first) and identified from its magic bytes: ``%PDF-`` for PDF,
the OLE2 compound-document header for old Office files, and for the zip-based formats the zip's own
directory (``[Content_Types].xml`` with a ``word/``, ``xl/`` or ``ppt/`` part, or an OpenDocument
``mimetype`` entry). The name's extension must then agree with what the content is, so a renamed
executable or a zip of anything else is refused.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings

from accounts import archives

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

EXTENSIONS = {
    "pdf": {"pdf"},
    "ole2": {"doc", "xls", "ppt"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "pptx": {"pptx"},
    "odt": {"odt"},
    "ods": {"ods"},
    "odp": {"odp"},
}
ALLOWED_LIST = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PowerPoint (.ppt, .pptx) or OpenDocument"


class UploadRefused(ValueError):
    """The message is written for the person who chose the file."""


def max_bytes() -> int:
    return int(getattr(settings, "COURSE_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


# An Office or OpenDocument file is a zip: its directory is checked before anything in it is unpacked (a few
# thousand parts at most, none larger than 100 MB, none packed more than 200 times over).
OFFICE_ZIP_LIMITS = archives.Limits(
    members=5000, member_bytes=100 * 1024 * 1024, total_bytes=200 * 1024 * 1024, ratio=200
)


def detect_type(content: bytes) -> str | None:
    """The kind of document, or None; ``archives.ArchiveRefused`` for a zip whose directory is out of bounds."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(OLE2_MAGIC):
        return "ole2"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                members = {
                    info.filename: info for info in archives.inspect(archive, OFFICE_ZIP_LIMITS, label="The file")
                }
                if "mimetype" in members:
                    mimetype = archives.read_start(archive, members["mimetype"], at_most=100)
                    return {
                        "application/vnd.oasis.opendocument.text": "odt",
                        "application/vnd.oasis.opendocument.spreadsheet": "ods",
                        "application/vnd.oasis.opendocument.presentation": "odp",
                    }.get(mimetype.decode("ascii", "replace").strip())
                if "[Content_Types].xml" not in members:
                    return None
                for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                    if any(name.startswith(prefix) for name in members):
                        return kind
        except (zipfile.BadZipFile, OSError, EOFError):
            return None
    return None


def check_upload(upload, *, label: str = "The file") -> tuple[bytes, str]:
    """Read and check a whole upload before anything is saved. Returns its content and detected type."""
    if upload is None:
        raise UploadRefused(f"{label}: choose a file to upload.")
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(f"{label} must be smaller than {limit // (1024 * 1024)} MB.")
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise UploadRefused(f"{label} must be smaller than {limit // (1024 * 1024)} MB.")
    if not content:
        raise UploadRefused(f"{label} is empty.")
    try:
        kind = detect_type(content)
    except archives.ArchiveRefused as exc:
        raise UploadRefused(str(exc)) from exc
    if kind is None:
        raise UploadRefused(f"{label} must be a {ALLOWED_LIST} file.")
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in EXTENSIONS[kind]:
        raise UploadRefused(f"{label}'s name ends .{extension or '(nothing)'} but it is not that kind of file.")
    return content, kind
