"""PDFs from our own templates (WeasyPrint). The only files a PDF may load are our own static files."""

from __future__ import annotations

import mimetypes
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_BASE = "static:/"


class RefusedResource(ValueError):
    pass


def _static_response(url: str):
    """Serve ``static:/path`` from our static files; refuse everything else (no file://, no network)."""
    from weasyprint.urls import URLFetcherResponse

    parsed = urlparse(url)
    if parsed.scheme != "static":
        raise RefusedResource(f"PDFs may only load our own static files, not {url!r}.")
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


def render_pdf(template_name: str, context: dict, *, variant: str | None = None, attachments=()) -> bytes:
    """Render a template to PDF. Templates refer to assets as ``static:/css/pdf.css``. Every PDF is tagged (its
    headings, lists and tables are marked for screen readers), with the template's language and title; ``variant``
    names a PDF/A or PDF/UA profile to conform to, and ``attachments`` are ``weasyprint.Attachment`` files carried
    inside it (a certificate carries its signed credential)."""
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "service_name": settings.SERVICE_NAME})
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=static_only_fetcher())
    return document.write_pdf(pdf_tags=True, pdf_variant=variant, attachments=list(attachments))
