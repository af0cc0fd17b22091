from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .notifications import queue_email, render_plain_text, site_context


class AccountAdapter(DefaultAccountAdapter):
    """Sign-in emails (verification, password reset) go out through the worker like every other email."""

    # GOV.UK error wording: say what to do, in sentence case. Marked for translation like allauth's own (which also
    # tells bandit these are words shown to people, not passwords).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("Enter the email address and password for your account"),
        "email_taken": _("An account already uses this email address. Sign in, or reset your password"),
        "enter_current_password": _("Enter your current password"),
        "incorrect_code": _("The code is not right. Enter the code from your authenticator app"),
        "incorrect_password": _("The password is not right. Enter your password"),
        "invalid_password_reset": _("The link to reset your password has expired. Ask for a new link"),
        "too_many_login_attempts": _("Too many tries to sign in. Wait 15 minutes, or reset your password"),
        "rate_limited": _("Too many tries. Wait a few minutes, then try again"),
    }

    def _get_login_attempts_cache_key(self, request, **credentials):
        # Wrong passwords are counted per email *and* client IP, so nobody elsewhere can lock the owner out by
        # guessing at their email. A successful password reset clears the count for the owner's own IP.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}|{self.get_client_ip(request)}"

    def _on_site(self, url: str) -> str:
        """A link in an email leads to the service's address from the settings, not to whichever host the request
        that sent it came in on (a spoofed Host header must not put someone else's address in a reset link)."""
        parts = urlsplit(url)
        return settings.SITE_URL + parts.path + (f"?{parts.query}" if parts.query else "")

    def get_email_confirmation_url(self, request, emailconfirmation):
        return self._on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key):
        return self._on_site(super().get_reset_password_from_key_url(key))

    def send_mail(self, template_prefix, email, context):
        # Without django.contrib.sites allauth's emails name no site ("an account on ."): the service is the site,
        # named and addressed by the settings like every other email.
        domain = urlsplit(settings.SITE_URL).netloc
        ctx = {
            "email": email,
            **context,
            **site_context(),
            "current_site": SimpleNamespace(name=settings.SERVICE_NAME, domain=domain),
        }
        subject = render_plain_text(f"{template_prefix}_subject.txt", ctx).strip()
        subject = self.format_email_subject(" ".join(subject.splitlines()))
        body = render_plain_text(f"{template_prefix}_message.txt", ctx).strip() + "\n"
        queue_email(to=[email], subject=subject, body=body)


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor errors in GOV.UK wording."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "The code is not right. Enter the 6-digit code your authenticator app shows now",
        "unverified_email": "Confirm your email address before you set up two-factor authentication",
        "cannot_delete_authenticator": "Your role needs two-factor authentication, so you cannot remove it",
    }
