import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework.authtoken.models import TokenProxy


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    LINE_MANAGER = "line_manager", "Line manager"
    ASSESSOR = "assessor", "Assessor"
    WORKFORCE_LEAD = "workforce_lead", "Council workforce lead"
    COURSE_LEAD = "course_lead", "Course lead"
    REGULATOR_STAFF = "regulator_staff", "Regulator staff"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. Email is the sign-in name; what they may do comes from memberships."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @cached_property
    def active_memberships(self) -> list["Membership"]:
        if not self.pk:
            return []
        return list(self.memberships.filter(ended_on__isnull=True).select_related("organisation"))

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.active_memberships)

    def has_role(self, role: str, organisation: "Organisation | None" = None) -> bool:
        return any(
            m.role == role and (organisation is None or m.organisation_id == organisation.pk)
            for m in self.active_memberships
        )

    def organisations_for(self, role: str) -> list["Organisation"]:
        return [m.organisation for m in self.active_memberships if m.role == role]


class Region(models.Model):
    """An English region as the DfE statistics name it (ONS code E12…)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        OTHER_EMPLOYER = "other_employer", "Other employer"
        EDUCATION_PROVIDER = "education_provider", "Education provider"
        ASSESSMENT_CENTRE = "assessment_centre", "Assessment centre"
        REGULATOR = "regulator", "Regulator"

    class EmployerType(models.TextChoices):
        TRUST = "trust", "Children's services trust"
        AGENCY = "agency", "Agency"
        CHARITY = "charity", "Charity"
        NHS = "nhs", "NHS body"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    employer_type = models.CharField(max_length=16, choices=EmployerType.choices, blank=True)
    la_number = models.CharField(
        "DfE LA number",
        max_length=3,
        null=True,
        blank=True,
        unique=True,
        help_text="The three-digit local authority number used by the Department for Education.",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations")
    town = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="organisation_la_number_only_for_local_authorities",
                condition=Q(kind="local_authority", la_number__regex=r"^[0-9]{3}$")
                | (~Q(kind="local_authority") & Q(la_number__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_ons_code(self) -> str:
        codes = sorted(self.ons_codes.all(), key=lambda c: c.valid_from, reverse=True)
        return codes[0].ons_code if codes else ""


class OrganisationCode(models.Model):
    """ONS codes change over time (boundary changes); the LA number is the stable identifier."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ons_codes")
    ons_code = models.CharField(max_length=9)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "ons_code"], name="organisation_code_unique"),
            models.CheckConstraint(
                name="organisation_code_valid_range",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ons_code} ({self.valid_from:%Y}–{self.valid_to:%Y})" if self.valid_to else self.ons_code


class Membership(models.Model):
    """A person's role at an organisation. Ended, never deleted, so who could do what stays known."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(ended_on__isnull=True),
                name="membership_one_active_role_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are never changed.")

    def delete(self):
        raise PermissionError("Audit events are never deleted.")

    def for_object(self, obj: models.Model) -> "AuditEventQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class AuditEvent(models.Model):
    """Who did what to which record, when, from what state to what, and why. Append-only."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    actor_label = models.CharField(max_length=254, help_text="Who acted, kept even if their name changes.")
    action = models.CharField(max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255)
    from_state = models.CharField(max_length=64, blank=True)
    to_state = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "occurred_at"], name="audit_object_time")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return self.action.replace("_", " ").capitalize()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are never deleted.")


class Job(models.Model):
    """Long work done by a Celery worker, kept as a row so a page can show progress and a restart loses nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True)
    params = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    result_filename = models.CharField(max_length=200, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The outbox: null until the broker has accepted the message, so a sweep can hand it over when it is back.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # The lease: the running worker renews this; a job whose worker died stops renewing it and is noticed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="job_progress_0_to_100", condition=Q(progress__gte=0, progress__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def is_waiting_for_broker(self) -> bool:
        return self.status == self.Status.QUEUED and self.dispatched_at is None

    @property
    def is_stalled(self) -> bool:
        """Running, but its worker has not renewed the lease: it has probably stopped and will be restarted."""
        if self.status != self.Status.RUNNING:
            return False
        last_sign_of_life = self.heartbeat_at or self.started_at
        lease = datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)
        return last_sign_of_life is None or last_sign_of_life < timezone.now() - lease


class OutboxEmail(models.Model):
    """An email waiting to be handed to the broker: written in the same transaction as the change it reports.

    Removed once the broker has taken it; a sweep retries any left behind while the broker was down.
    """

    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.subject


class Notification(models.Model):
    """One email to one person about one event: the record of what was sent, and its own outbox.

    Written in the same transaction as the change it reports, so a change that rolls back sends nothing, and a
    broker or mail outage only delays it (the sweep hands over whatever is still waiting). ``key`` names the event,
    the record and the recipient and is unique, so doing the same thing twice or re-running a reminder makes one
    message; sending first claims the row, so a redelivered or repeated task never sends it twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        TURNED_OFF = "turned_off", "Not sent: the person turned these off"

    key = models.CharField(max_length=255, unique=True)
    event = models.CharField(max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    email = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    # What the message is about, so the record's history lists it.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="notification_recipient_time"),
            models.Index(fields=["content_type", "object_id"], name="notification_about"),
            models.Index(fields=["status", "created_at"], name="notification_status_time"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} (to {self.email})"


class TurnedOffReminder(models.Model):
    """A reminder a person said they do not need. Only reminders can be turned off; decisions, orders and
    revocations are always sent (accounts.notifications.EVENTS says which is which)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="turned_off_reminders")
    event = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="turned_off_reminder_once")]

    def __str__(self) -> str:
        return f"{self.user} turned off {self.event}"


class ApiToken(TokenProxy):
    """A person's API token as the administration shows it: named by its holder, never by its key (DRF's own
    models are named by their key, which would put it in the admin's page titles and its log of changes)."""

    class Meta:
        proxy = True
        verbose_name = "API token"
        verbose_name_plural = "API tokens"

    def __str__(self) -> str:
        return f"API token of {self.user}"
