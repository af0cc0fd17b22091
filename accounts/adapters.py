from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .notifications import queue_email, render_plain_text


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

    def send_mail(self, template_prefix, email, context):
        site = context.get("current_site")
        # Without django.contrib.sites the emails would say "Hello from !": the service is the site.
        ctx = {
            "email": email,
            **context,
            "current_site": SimpleNamespace(name=settings.SERVICE_NAME, domain=getattr(site, "domain", "") or ""),
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
