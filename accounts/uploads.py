"""Request bodies are capped while they stream in, before anything reads them whole."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


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
