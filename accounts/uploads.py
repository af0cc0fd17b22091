"""Request bodies are capped while they stream in, before anything reads them whole."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render


class MaxSizeUploadHandler(FileUploadHandler):
    """Stops reading a multipart body once it passes ``MAX_UPLOAD_SIZE`` (by its Content-Length, or by the bytes
    received when that is missing or wrong), and marks the request so the page can say why."""

    def _refuse(self):
        self.request.upload_too_large = True
        raise StopUpload(connection_reset=True)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Raising here would escape the parser as a 500: refuse at the first chunk of the file instead.
        self.received = 0
        self.declared_too_large = content_length > settings.MAX_UPLOAD_SIZE

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.declared_too_large or self.received > settings.MAX_UPLOAD_SIZE:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None


def refuse_oversized_uploads(view):
    """For pages that take files: a body stopped by the cap would otherwise reach the form without its file (and an
    optional file would be silently lost). Answer 413 with what to do instead, and change nothing."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            request.FILES  # noqa: B018  (parsing the body is what sets upload_too_large)
            if getattr(request, "upload_too_large", False):
                limit_mb = settings.MAX_UPLOAD_SIZE // (1024 * 1024)
                return render(
                    request,
                    "accounts/upload_too_large.html",
                    {"limit_mb": limit_mb, "back": request.path, "page_title": "The file is too large"},
                    status=413,
                )
        return view(request, *args, **kwargs)

    return wrapper
