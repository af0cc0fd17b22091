"""Email to people, always sent from a worker so a slow mail server never holds up a page.

Each email is first written to the outbox in the same transaction as the change it reports, then handed to the
broker once that commits. If the broker is down the page still answers; the sweep sends what was left behind.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


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
    from .models import OutboxEmail

    email = OutboxEmail.objects.create(to=list(to), subject=subject[:255], body=body)
    transaction.on_commit(lambda: hand_over(email.pk))


def hand_over(outbox_id: int) -> bool:
    """Give one outbox email to the broker and remove it from the outbox; False if the broker cannot take it."""
    from .models import OutboxEmail
    from .tasks import send_email

    email = OutboxEmail.objects.filter(pk=outbox_id).first()
    if email is None:
        return False
    try:
        send_email.delay(to=email.to, subject=email.subject, body=email.body)
    except (BrokerError, OSError):
        logger.warning("The broker could not take an email; the sweep will send it later.", exc_info=True)
        OutboxEmail.objects.filter(pk=outbox_id).update(attempts=email.attempts + 1)
        return False
    OutboxEmail.objects.filter(pk=outbox_id).delete()
    return True


def sweep_outbox() -> int:
    """Hand over emails left in the outbox (the broker was down when they were written). Returns how many."""
    import datetime

    from django.utils import timezone

    from .models import OutboxEmail

    settled = timezone.now() - datetime.timedelta(seconds=5)
    ids = OutboxEmail.objects.filter(created_at__lt=settled).values_list("pk", flat=True)[:500]
    return sum(hand_over(pk) for pk in ids)


def deliver(*, to: list[str], subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()
