from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from .notifications import queue_email, render_plain_text


class AccountAdapter(DefaultAccountAdapter):
    """Sign-in emails (verification, password reset) go out through the worker like every other email."""

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
