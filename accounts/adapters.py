from allauth.account.adapter import DefaultAccountAdapter
from django.template.loader import render_to_string

from .notifications import queue_email


class AccountAdapter(DefaultAccountAdapter):
    """Sign-in emails (verification, password reset) go out through the worker like every other email."""

    def send_mail(self, template_prefix, email, context):
        ctx = {"email": email, "current_site": context.get("current_site"), **context}
        subject = render_to_string(f"{template_prefix}_subject.txt", ctx).strip()
        subject = self.format_email_subject(" ".join(subject.splitlines()))
        body = render_to_string(f"{template_prefix}_message.txt", ctx).strip() + "\n"
        queue_email(to=[email], subject=subject, body=body)
