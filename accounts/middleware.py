import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse

_SIGNED_IN_MARKER = "signed_in"


# The session key holding when the idle expiry last moved on, and how often it may.
_SLID_AT = "idle_expiry_moved_at"
SESSION_SLIDE_SECONDS = 60


class SessionExpiryMiddleware:
    """Tell people their session ended, instead of silently showing the sign-in page.

    The session cookie expires after inactivity; a separate marker cookie outlives it, so when a
    request arrives with the marker but no signed-in user, the session must have expired.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        had_session = request.COOKIES.get(_SIGNED_IN_MARKER) == "1"
        if had_session and not request.user.is_authenticated and not request.path.startswith("/accounts/logout"):
            messages.info(
                request, "You were signed out because you had not done anything for a while. Sign in again to carry on."
            )
            request.session_expired = True
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            self._slide(request)
            response.set_cookie(
                _SIGNED_IN_MARKER,
                "1",
                max_age=settings.SESSION_COOKIE_AGE * 24,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        elif had_session:
            response.delete_cookie(_SIGNED_IN_MARKER)
        return response

    @staticmethod
    def _slide(request) -> None:
        """Move the idle expiry on, at most once a minute: saving the session on every request (Django's
        SESSION_SAVE_EVERY_REQUEST) writes to the primary database on every page view, even pages served from a
        standby. So a session ends between SESSION_COOKIE_AGE less a minute and SESSION_COOKIE_AGE after the
        last request."""
        if SESSION_KEY not in request.session:
            # Signed in some other way (an API token): there is no browser session to keep alive, and writing the
            # marker would make Django store a new, empty session for every such request.
            return
        if int(time.time()) - request.session.get(_SLID_AT, 0) >= SESSION_SLIDE_SECONDS:
            start_idle_clock(request.session)  # marks the session modified: saved with a fresh expiry


def start_idle_clock(session) -> None:
    """Note that the session's idle expiry has just been set (it is, whenever the session is saved)."""
    session[_SLID_AT] = int(time.time())


def requires_mfa_setup(user) -> bool:
    if not (user and user.is_authenticated):
        return False
    if not (user.roles & set(settings.MFA_REQUIRED_ROLES)):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMultiFactorMiddleware:
    """Assessors and regulator staff must add an authenticator app before they can use the service."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/api/schema")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.ALLOWED_PREFIXES) and requires_mfa_setup(request.user):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": "Set up two-factor authentication before using the API."}, status=403)
            messages.warning(
                request, "Your role needs two-factor authentication. Set up an authenticator app to carry on."
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
