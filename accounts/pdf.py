"""PDFs from our own templates (WeasyPrint). The only files a PDF may load are our own static files.

WeasyPrint keeps about a third of a megabyte for each PDF a process has made and never gives it back (issue #34), so
many PDFs in one job are made by ``render_in_children``: the template is rendered here, and WeasyPrint runs in a
short-lived child process (``accounts.pdf_child``) for each bounded chunk, whose memory goes when it exits.
"""

from __future__ import annotations

import datetime
import json
import logging
import mimetypes
import subprocess  # nosec B404 # our own child process (accounts.pdf_child), fixed arguments, no shell
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from urllib.parse import urlparse

import django
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_BASE = "static:/"
logger = logging.getLogger(__name__)


class RefusedResource(ValueError):
    pass


def _static_response(url: str):
    """Serve ``static:/path`` from our static files; refuse everything else (no file://, no network)."""
    from weasyprint.urls import URLFetcherResponse

    parsed = urlparse(url)
    if parsed.scheme != "static":
        raise RefusedResource(f"PDFs may only load our own static files, not {url!r}.")
    if not apps.ready:  # in a PDF child process (accounts.pdf_child), which sets Django up only when it must
        django.setup()
    path = finders.find(parsed.path.lstrip("/"))
    if not path:
        raise RefusedResource(f"No static file {parsed.path!r}.")
    with open(path, "rb") as handle:
        data = handle.read()
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=data, headers={"Content-Type": content_type})


def static_only_fetcher():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            return _static_response(url)

    return StaticOnlyFetcher(allowed_protocols={"static", "data"})


@dataclass(frozen=True)
class PdfAttachment:
    """A file carried inside a PDF (``weasyprint.Attachment``), as plain data a child process can be sent."""

    string: str
    name: str
    description: str = ""
    relationship: str = "Unspecified"
    created: datetime.datetime | None = None
    modified: datetime.datetime | None = None

    def to_weasyprint(self):
        from weasyprint import Attachment

        return Attachment(
            string=self.string,
            name=self.name,
            description=self.description,
            relationship=self.relationship,
            created=self.created,
            modified=self.modified,
        )


@dataclass(frozen=True)
class PdfRequest:
    """Everything WeasyPrint needs for one PDF once the template is rendered: the same request gives the same bytes
    here or in a child process."""

    html: str
    variant: str | None = None
    attachments: tuple[PdfAttachment, ...] = field(default=())

    def to_json(self) -> str:
        data = asdict(self)
        for attachment in data["attachments"]:
            for key in ("created", "modified"):
                attachment[key] = attachment[key].isoformat() if attachment[key] else None
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> PdfRequest:
        data = json.loads(line)
        attachments = []
        for attachment in data["attachments"]:
            for key in ("created", "modified"):
                if attachment[key]:
                    attachment[key] = datetime.datetime.fromisoformat(attachment[key])
            attachments.append(PdfAttachment(**attachment))
        return cls(html=data["html"], variant=data["variant"], attachments=tuple(attachments))


def pdf_request(
    template_name: str, context: dict, *, variant: str | None = None, attachments: Iterable[PdfAttachment] = ()
) -> PdfRequest:
    """Render the template (Django, in this process) into what WeasyPrint will be given. Templates refer to assets
    as ``static:/css/pdf.css``."""
    html = render_to_string(template_name, {**context, "service_name": settings.SERVICE_NAME})
    return PdfRequest(html=html, variant=variant, attachments=tuple(attachments))


def write_pdf(request: PdfRequest) -> bytes:
    """WeasyPrint, in this process. Every PDF is tagged (its headings, lists and tables are marked for screen
    readers), with the template's language and title; ``variant`` names a PDF/A or PDF/UA profile to conform to, and
    the attachments are carried inside it (a certificate carries its signed credential)."""
    from weasyprint import HTML

    document = HTML(string=request.html, base_url=STATIC_BASE, url_fetcher=static_only_fetcher())
    return document.write_pdf(
        pdf_tags=True, pdf_variant=request.variant, attachments=[a.to_weasyprint() for a in request.attachments]
    )


def render_pdf(
    template_name: str, context: dict, *, variant: str | None = None, attachments: Iterable[PdfAttachment] = ()
) -> bytes:
    """Render a template to PDF in this process: for one PDF in a job (a worker child that grows is replaced after
    its task, CELERY_WORKER_MAX_MEMORY_PER_CHILD); many in one job go through ``render_in_children``."""
    return write_pdf(pdf_request(template_name, context, variant=variant, attachments=attachments))


class PdfChildError(Exception):
    """The child process could not make one of the PDFs: ``index`` is the request's place in the whole sequence."""

    def __init__(self, index: int, reason: str):
        super().__init__(reason)
        self.index, self.reason = index, reason


def render_in_children(requests: Iterable[PdfRequest], *, chunk_size: int) -> Iterator[bytes]:
    """Each request's PDF, in order, each given as soon as it is made. WeasyPrint runs in a new child process for
    every ``chunk_size`` requests, so this process's memory does not grow with the number of PDFs, and a child's
    growth is bounded by the chunk. Raises ``PdfChildError`` if a PDF cannot be made or the child stops.

    A plain subprocess, not multiprocessing: a Celery prefork worker's pool processes are daemonic, and
    multiprocessing refuses children to daemonic processes; a subprocess also starts clean (no copy of the
    worker's memory or its open database and broker connections)."""
    pending, start = iter(requests), 0
    while chunk := tuple(islice(pending, max(1, chunk_size))):
        yield from _render_chunk(chunk, start)
        start += len(chunk)


def _render_chunk(chunk: tuple[PdfRequest, ...], start: int) -> Iterator[bytes]:
    with tempfile.TemporaryDirectory(prefix="pdf-chunk-") as folder:
        # The requests go in a file, not the child's stdin: writing them while the child writes PDFs back through
        # a pipe could leave both waiting on a full pipe.
        requests_file, errors_file = Path(folder) / "requests.jsonl", Path(folder) / "stderr.txt"
        with requests_file.open("w", encoding="utf-8") as out:
            for request in chunk:
                out.write(request.to_json() + "\n")
        with errors_file.open("wb") as errors:
            child = subprocess.Popen(  # nosec B603 # this interpreter, our own module, a file we wrote
                _child_command(requests_file),
                cwd=settings.BASE_DIR,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
            made = 0
            try:
                while made < len(chunk):
                    header = child.stdout.readline()
                    if not header.startswith(b"PDF "):
                        break
                    size = int(header[4:])
                    content = child.stdout.read(size)
                    if len(content) != size:
                        break
                    made += 1
                    yield content
                else:
                    header = b""
            finally:
                # Also when the caller stops early or fails: the child is not left making PDFs nobody reads.
                if child.poll() is None and made < len(chunk):
                    child.kill()
                child.stdout.close()
                code = child.wait()
        if made == len(chunk):
            logger.info("A PDF child process (%s) made %s PDFs, exit code %s", child.pid, made, code)
        else:
            reason = _failure(header, code, errors_file)
            logger.error("PDF child failed at request %s (exit code %s): %s", start + made, code, reason)
            raise PdfChildError(start + made, reason)


def _child_command(requests_file: Path) -> list[str]:
    return [sys.executable, "-m", "accounts.pdf_child", str(requests_file)]


def _failure(header: bytes, code: int, errors_file: Path) -> str:
    if header.startswith(b"ERROR "):
        return json.loads(header[6:])
    if code < 0:
        return f"the process making the PDFs was stopped by signal {-code} (out of memory, or killed)"
    tail = errors_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
    return f"the process making the PDFs stopped (exit code {code}){': ' + tail[0] if tail else ''}"
