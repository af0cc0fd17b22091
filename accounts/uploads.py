"""Request bodies are capped while they stream in, before anything reads them whole."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import JsonResponse
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


class RefuseOversizedUploadsMiddleware:
    """For every page and API operation that takes files: a body stopped by the cap would otherwise reach the form
    without its file (which then says "Enter the evidence", or silently loses an optional file). Answer 413 with
    what to do instead, before the view runs, and change nothing. One guard, so a new upload is covered on arrival."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("POST", "PUT", "PATCH") or request.content_type != "multipart/form-data":
            return None
        request.FILES  # noqa: B018  (parsing the body is what sets upload_too_large)
        if not getattr(request, "upload_too_large", False):
            return None
        limit_mb = settings.MAX_UPLOAD_SIZE // (1024 * 1024)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": f"The upload is too large: this service accepts at most {limit_mb} MB in one request."},
                status=413,
            )
        return render(
            request,
            "accounts/upload_too_large.html",
            {"limit_mb": limit_mb, "back": request.path, "page_title": "The file is too large"},
            status=413,
        )
