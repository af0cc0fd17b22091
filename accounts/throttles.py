"""Throttles for public pages, counted as the API's are (DRF's rate throttle, per client IP, in the shared cache)."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render
from rest_framework.throttling import SimpleRateThrottle


class _PageThrottle(SimpleRateThrottle):
    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttled(scope: str):
    """Refuse a client over the rate named ``scope`` in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` with the
    GOV.UK "too many tries" page (429) and a Retry-After header."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            throttle = _PageThrottle(scope)
            if throttle.allow_request(request, None):
                return view(request, *args, **kwargs)
            response = render(request, "429.html", {"page_title": "Too many tries", "checking": True}, status=429)
            response["Retry-After"] = str(int(throttle.wait() or 60))
            return response

        return wrapper

    return decorator
