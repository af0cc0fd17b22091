"""The API's parsers, in a module of their own: DRF imports them while its own views module is still loading, so they
may import nothing of DRF's but its parsers and exceptions."""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from . import safe_json


class BoundedJSONParser(JSONParser):
    """Every JSON body the API reads, bounded in size and nesting, with no name given twice (``safe_json``): a 400
    that says why, never a 500 from the parser's recursion or a body read whole into memory."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_BYTES
        data = stream.read(limit + 1) if stream is not None else b""
        try:
            return safe_json.loads(data, max_bytes=limit)
        except safe_json.UnsafeJSON as exc:
            raise ParseError(str(exc)) from exc
