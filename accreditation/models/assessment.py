"""The knowledge assessment: the question bank (scenarios, items, options) and candidates' attempts."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .pathway import Candidate, Level, StandardVersion


class BankStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "Waiting for review"
    LIVE = "live", "Live"
    RETIRED = "retired", "Retired"


class Scenario(models.Model):
    """A written case the applied items of a form are about."""

    level = models.CharField(max_length=16, choices=Level.choices)
    title = models.CharField(max_length=200)
    passage = models.TextField()
    status = models.CharField(max_length=16, choices=BankStatus.choices, default=BankStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["level", "title"]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    """One question. Once on a candidate's form it is never edited: revising makes a new version."""

    class Kind(models.TextChoices):
        SINGLE = "single", "Single answer (1 of 4)"
        MULTIPLE = "multiple", "Multiple answer (3 of 8)"

    SHAPE = {Kind.SINGLE: (4, 1), Kind.MULTIPLE: (8, 3)}  # options, correct answers

    level = models.CharField(max_length=16, choices=Level.choices)
    domain_key = models.SlugField(max_length=16)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    stem = models.TextField("question")
    rationale = models.TextField(blank=True, help_text="For authors and reviewers only; never shown to candidates.")
    status = models.CharField(max_length=16, choices=BankStatus.choices, default=BankStatus.DRAFT)
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["level", "domain_key", "id"]
        constraints = [
            models.CheckConstraint(
                name="item_retired_has_reason", condition=~Q(status="retired") | ~Q(retired_reason="")
            ),
        ]
        indexes = [models.Index(fields=["level", "status", "domain_key"], name="item_draw")]

    def __str__(self) -> str:
        return f"Item {self.pk} v{self.version}: {self.stem[:60]}"

    @property
    def is_applied(self) -> bool:
        return self.scenario_id is not None


class Option(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "position"], name="option_position_unique")]

    def __str__(self) -> str:
        return self.text


class Attempt(models.Model):
    """A candidate's sitting of the knowledge assessment: the form drawn for them, their answers and the result."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        MARKED = "marked", "Marked"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    standard = models.ForeignKey(StandardVersion, on_delete=models.PROTECT, related_name="attempts")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    ended_by_deadline = models.BooleanField(default=False)
    pass_mark_percent = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    max_score = models.PositiveSmallIntegerField()
    passed = models.BooleanField(null=True, blank=True)
    breakdown = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(
                fields=["candidate"], condition=Q(status="in_progress"), name="attempt_one_in_progress"
            ),
            models.CheckConstraint(name="attempt_deadline_after_start", condition=Q(deadline__gt=F("started_at"))),
            models.CheckConstraint(
                name="attempt_marked_has_result",
                condition=Q(status="in_progress") | (Q(score__isnull=False) & Q(passed__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="attempt_due")]

    def __str__(self) -> str:
        return f"Attempt {self.number} by {self.candidate.user}"

    def seconds_left(self, now: datetime.datetime | None = None) -> int:
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS and self.deadline > timezone.now()

    @property
    def percent(self) -> int | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score)


class AttemptItem(models.Model):
    """One question on a drawn form, with the candidate's saved answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="uses")
    selected = models.JSONField(default=list, blank=True, help_text="Option ids the candidate chose.")
    answered_at = models.DateTimeField(null=True, blank=True)
    correct = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_item_position_unique"),
            models.UniqueConstraint(fields=["attempt", "item"], name="attempt_item_once"),
        ]

    def __str__(self) -> str:
        return f"Question {self.position}"

    @property
    def is_answered(self) -> bool:
        return bool(self.selected)
