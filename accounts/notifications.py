"""Telling people what happened: one email per person per event, recorded, and sent from a worker.

Every app's services call ``notify`` inside the transaction that makes the change. It writes one ``Notification``
row per recipient (the record of what was sent, and its outbox) and hands each to the broker once the transaction
commits. Writing the row inside the transaction, rather than calling ``notify`` from ``on_commit``, is what makes
the outbox safe: a change that rolls back sends nothing, and a process that dies just after the commit still left
the row for the sweep. A broker outage or a mail server outage only delays a message; ``Notification.key`` (event,
record, discriminator, recipient) makes doing the same thing twice one message, and ``deliver_notification`` claims
the row before sending so a redelivered task never sends it twice.

Sign-in emails from allauth (confirmation links, password resets) carry secrets, so they are not kept as messages
a person or staff can read again: they go through ``queue_email`` and the older ``OutboxEmail`` row, which is
removed once the broker has taken it.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import logging
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from celery.exceptions import Retry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from kombu.exceptions import OperationalError as BrokerError

if TYPE_CHECKING:
    from .models import Notification, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Something that happened that someone needs to hear about. ``reminder`` events may be turned off by the
    person; everything else (a decision, an order, a revocation, a request for their action) is always sent."""

    template: str
    title: str
    reminder: bool = False


_EVENTS = [
    # accounts and the register
    Event("regulation/application_received", "Your application to register was received"),
    Event("regulation/more_information", "The register asks you for more information"),
    Event("regulation/applicant_answered", "An applicant answered your question"),
    Event("regulation/approved", "Your registration was approved"),
    Event("regulation/refused", "Your application to register was refused"),
    Event("regulation/renewed", "Your registration was renewed"),
    Event("regulation/renewal_reminder", "Reminders to renew your registration"),
    Event("regulation/lapsed", "Your registration lapsed"),
    Event("regulation/employee_lapsed", "Someone you employ is no longer registered"),
    Event("regulation/employer_named", "Someone said they work for your organisation"),
    Event("regulation/order_made", "An order about your registration"),
    Event("regulation/case_outcome", "The outcome of a fitness to practise case"),
    # accreditation
    Event("accreditation/endorsement_asked", "Someone asks you to endorse them"),
    Event("accreditation/nominated", "Your manager nominated you for accreditation"),
    Event("accreditation/endorsed", "Your employer endorsed you"),
    Event("accreditation/endorsement_declined", "Your employer declined to endorse you"),
    Event("accreditation/test_result", "Your knowledge assessment result"),
    Event("accreditation/session_booked", "Your practice observation is booked"),
    Event("accreditation/session_cancelled", "Your practice observation booking is cancelled"),
    Event("accreditation/second_marking", "An observation for you to score as second assessor"),
    Event("accreditation/confirmed", "Your accreditation was confirmed"),
    Event("accreditation/revoked", "Your accreditation was revoked"),
    Event("accreditation/certificate_ready", "Your certificate is ready"),
    # early career
    Event("training/enrolled", "You were enrolled on an early career programme"),
    Event("training/completed", "Your early career programme was completed"),
    Event("training/pause_recorded", "A pause recorded on an early career programme"),
    Event("training/final_assessment", "Your final assessment was recorded"),
    Event("training/moderation_needed", "A final assessment to moderate"),
    Event("training/reminder", "Reminders of reviews and supervision due", reminder=True),
    # courses
    Event("regulation/courses/submitted", "Your course application was received"),
    Event("regulation/courses/withdrawn", "A course application was withdrawn"),
    Event("regulation/courses/more_information", "The regulator asks for more about a course application"),
    Event("regulation/courses/inspection_recorded", "An inspection of a course was recorded"),
    Event(
        "regulation/courses/condition_due", "Reminders that a condition of a course's approval is due", reminder=True
    ),
    Event("regulation/courses/condition_overdue", "A condition of a course's approval is overdue"),
    Event("regulation/courses/decision", "A decision on a course application"),
    Event("regulation/courses/approval_ended", "A course approval ended"),
    Event("regulation/courses/monitoring_opened", "Annual monitoring opened"),
    Event("regulation/courses/monitoring_outcome", "The outcome of annual monitoring"),
    Event("regulation/courses/monitoring_reminder", "Reminders that annual monitoring is due", reminder=True),
    Event("regulation/courses/monitoring_overdue", "Annual monitoring is overdue", reminder=True),
]
EVENTS: dict[str, Event] = {e.template: e for e in _EVENTS}


def reminder_events() -> list[Event]:
    return [e for e in _EVENTS if e.reminder]


def render_plain_text(template_name: str, context: dict) -> str:
    """Emails are plain text: render without HTML autoescaping, so "O'Neill & Sons" is not "O&#x27;Neill &amp; Sons"."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def site_context() -> dict:
    """The service's name and address, from the settings, for every email (allauth's included)."""
    return {"service_name": settings.SERVICE_NAME, "site_url": settings.SITE_URL}


def link(path: str) -> str:
    """A full link to a page of the service, for an email (the email is read away from the site)."""
    return settings.SITE_URL + path


def _render(template: str, context: dict) -> tuple[str, str]:
    rendered = render_plain_text(f"emails/{template}.txt", {**context, **site_context()})
    subject, _, body = rendered.strip().partition("\n")
    return " ".join(subject.split())[:255], body.strip() + "\n"


def _recipients(to) -> list[tuple[str, User | None]]:
    """Each recipient once, as (email, their account if they have one), from accounts or email addresses."""
    from .models import User

    items = [to] if isinstance(to, (str, User)) else list(to)
    emails = [i.email if isinstance(i, User) else str(i) for i in items if i]
    users = {i.email.lower(): i for i in items if isinstance(i, User)}
    missing = [e for e in emails if e.lower() not in users]
    if missing:
        users.update({u.email.lower(): u for u in User.objects.filter(email__in=[e.lower() for e in missing])})
    seen, found = set(), []
    for email in emails:
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        found.append((email, users.get(email.lower())))
    return found


def _key(template: str, about: models.Model | None, discriminator: str, email: str) -> str:
    # Without a record nothing says two calls are the same event: each call is its own message (sent once).
    record = f"call.{uuid.uuid4().hex}" if about is None else f"{about._meta.label_lower}.{about.pk}"
    key = f"{template}:{record}:{discriminator}:{email.lower()}"
    return key if len(key) <= 255 else f"{template[:100]}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def notify(
    *,
    to,
    template: str,
    context: dict,
    about: models.Model | None = None,
    discriminator: str = "",
) -> list[Notification]:
    """Tell each of ``to`` (accounts or email addresses) about an event, once.

    Renders ``templates/emails/<template>.txt`` (first line the subject) for each recipient, writes the message
    and queues it to be sent after commit. ``about`` is the record the event happened to (its history lists the
    message); ``discriminator`` tells apart events that may rightly happen more than once to the same record
    (a second request for information, a reminder for each due date). The same event, record, discriminator and
    recipient again makes no second message.
    """
    from .models import Notification, TurnedOffReminder
    from .services import record_event

    event = EVENTS.get(template)
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    made = []
    for email, user in _recipients(to):
        key = _key(template, about, discriminator, email)
        if Notification.objects.filter(key=key).exists():
            continue
        subject, body = _render(template, {**context, "recipient": user})
        turned_off = (
            event is not None
            and event.reminder
            and user is not None
            and TurnedOffReminder.objects.filter(user=user, event=template).exists()
        )
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    key=key,
                    event=template,
                    recipient=user,
                    email=email,
                    subject=subject,
                    body=body,
                    content_type=content_type,
                    object_id=str(about.pk) if about is not None else "",
                    status=Notification.Status.TURNED_OFF if turned_off else Notification.Status.QUEUED,
                )
        except IntegrityError:
            continue  # the same event, made a moment ago by another process
        record_event(
            notification,
            "message_turned_off" if turned_off else "message_queued",
            by=None,
            to_state=notification.status,
            changes={"event": template, "about": f"{notification.content_type_id}:{notification.object_id}"},
        )
        if not turned_off:
            transaction.on_commit(lambda pk=notification.pk: hand_over_notification(pk))
        made.append(notification)
    return made


def hand_over_notification(notification_id: int) -> bool:
    """Give one message to the broker; False (and it waits for the sweep) when the broker cannot take it."""
    from .models import Notification
    from .tasks import send_email

    try:
        send_email.delay(notification_id=notification_id)
    except (BrokerError, OSError):
        logger.warning("The broker could not take message %s; the sweep will send it later.", notification_id)
        return False
    except Retry:
        # Only when tasks run in-process (CELERY_TASK_ALWAYS_EAGER): the mail server refused; the sweep retries.
        logger.warning("The mail server could not take message %s; the sweep will send it later.", notification_id)
        return False
    Notification.objects.filter(pk=notification_id, handed_over_at__isnull=True).update(handed_over_at=timezone.now())
    return True


def _html(notification: Notification) -> str:
    """The HTML part: the same words in GOV.UK Notify's plain layout, with the link to act made a link."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", notification.body.strip()):
        escaped = html.escape(block.strip())
        linked = re.sub(r"(https?://[^\s<]+)", r'<a href="\1" style="color:#1d70b8">\1</a>', escaped)
        markup = linked.replace("\n", "<br>")
        paragraph = mark_safe(markup)  # nosec B308 B703 # escaped just above
        paragraphs.append(paragraph)
    return render_to_string(
        "emails/layout.html", {"subject": notification.subject, "paragraphs": paragraphs, **site_context()}
    )


def _message_id(notification: Notification) -> str:
    """The same for every attempt at the same message, so a mail system that sees it twice can drop the copy."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"<{hashlib.sha256(notification.key.encode()).hexdigest()[:40]}@{domain}>"


def claim_seconds() -> int:
    return settings.NOTIFICATION_CLAIM_SECONDS


def deliver_notification(notification_id: int) -> bool:
    """Send one message unless it has been sent, or another worker is sending it now. True if this call sent it.

    Claiming is one conditional UPDATE, so two workers given the same message (a redelivery, a sweep after a lost
    acknowledgement) cannot both send it. A claim left by a worker that died is taken over once it is old."""
    from .models import Notification
    from .services import record_event

    now = timezone.now()
    stale = now - datetime.timedelta(seconds=claim_seconds())
    claimed = (
        Notification.objects.filter(pk=notification_id)
        .filter(Q(status=Notification.Status.QUEUED) | Q(status=Notification.Status.SENDING, claimed_at__lt=stale))
        .update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_id)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        headers={"Message-ID": _message_id(notification)},
    )
    message.attach_alternative(_html(notification), "text/html")
    try:
        message.send()
    except Exception:
        # Back to waiting: the task's retry, or later the sweep, sends it when the mail server answers.
        Notification.objects.filter(pk=notification_id, status=Notification.Status.SENDING).update(
            status=Notification.Status.QUEUED, claimed_at=None
        )
        raise
    Notification.objects.filter(pk=notification_id).update(status=Notification.Status.SENT, sent_at=timezone.now())
    notification.status = Notification.Status.SENT
    record_event(notification, "message_sent", by=None, from_state="sending", to_state="sent")
    return True


def sweep_notifications() -> int:
    """Hand over messages still waiting: never handed over (the broker was down), handed over long ago and not sent
    (the message was lost, or the mail server was down past the task's retries), or claimed by a worker that died."""
    from .models import Notification

    now = timezone.now()
    waiting = Notification.objects.filter(
        Q(status=Notification.Status.QUEUED, handed_over_at__isnull=True, created_at__lt=now - _settle())
        | Q(
            status=Notification.Status.QUEUED,
            handed_over_at__lt=now - datetime.timedelta(seconds=settings.NOTIFICATION_REDISPATCH_SECONDS),
        )
        | Q(status=Notification.Status.SENDING, claimed_at__lt=now - datetime.timedelta(seconds=claim_seconds()))
    )
    handed = 0
    for pk in waiting.values_list("pk", flat=True)[:500]:
        Notification.objects.filter(pk=pk).update(handed_over_at=None)
        handed += hand_over_notification(pk)
    return handed


def _settle() -> datetime.timedelta:
    # Younger rows may belong to a transaction that is handing them over itself right now.
    return datetime.timedelta(seconds=5)


# Sign-in emails (allauth): not kept as messages, see the module's docstring.


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
    from .models import OutboxEmail

    settled = timezone.now() - _settle()
    ids = OutboxEmail.objects.filter(created_at__lt=settled).values_list("pk", flat=True)[:500]
    return sum(hand_over(pk) for pk in ids)


def deliver(*, to: list[str], subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()
