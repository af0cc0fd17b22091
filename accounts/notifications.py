"""Email to people, always sent from a worker so a slow mail server never holds up a page."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import Context
from django.template.loader import get_template


def render_plain_text(template_name: str, context: dict) -> str:
    """Emails are plain text: render without HTML autoescaping, so "O'Neill & Sons" is not "O&#x27;Neill &amp; Sons"."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def notify(*, to: list[str] | str, template: str, context: dict) -> None:
    """Render ``templates/emails/<template>.txt`` (first line is the subject) and queue it after commit."""
    recipients = [to] if isinstance(to, str) else list(to)
    rendered = render_plain_text(f"emails/{template}.txt", {**context, "service_name": settings.SERVICE_NAME})
    subject, _, body = rendered.strip().partition("\n")
    queue_email(to=recipients, subject=subject.strip(), body=body.strip() + "\n")


def queue_email(*, to: list[str], subject: str, body: str) -> None:
    from .tasks import send_email

    transaction.on_commit(lambda: send_email.delay(to=to, subject=subject, body=body))


def deliver(*, to: list[str], subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()
