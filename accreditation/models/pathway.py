"""Standards, settings, and candidates at each level from nomination to the decision, with practice mapping.

A candidate (one person at one level) moves through four stages in order. Nothing is deleted: statuses,
versions and the audit trail keep what happened.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation


class Level(models.TextChoices):
    PRACTITIONER = "practitioner", "Approved Child and Family Practitioner"
    SUPERVISOR = "supervisor", "Practice Supervisor"
    LEADER = "leader", "Practice Leader"


LEVEL_ORDER = [Level.PRACTITIONER, Level.SUPERVISOR, Level.LEADER]


class StandardVersion(models.Model):
    """A level's knowledge and skills statement as published at one time. Revising makes a new version, so
    every candidate and attempt keeps the statement it was assessed under."""

    level = models.CharField(max_length=16, choices=Level.choices)
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change_note = models.TextField(blank=True)

    class Meta:
        ordering = ["level", "-version"]
        constraints = [models.UniqueConstraint(fields=["level", "version"], name="standard_version_unique")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} statement, version {self.version}"


class Domain(models.Model):
    """A heading of a statement. ``key`` stays the same across versions, so items tagged with it and results
    broken down by it stay comparable when a heading's wording is revised."""

    standard = models.ForeignKey(StandardVersion, on_delete=models.PROTECT, related_name="domains")
    key = models.SlugField(max_length=16)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["standard", "position"]
        constraints = [models.UniqueConstraint(fields=["standard", "key"], name="domain_key_unique_per_standard")]

    def __str__(self) -> str:
        return self.title


class LevelSettings(models.Model):
    """The knowledge assessment's settings for a level, editable by regulator staff."""

    level = models.CharField(max_length=16, choices=Level.choices, unique=True)
    general_items = models.PositiveSmallIntegerField(default=18)
    applied_items = models.PositiveSmallIntegerField(default=12)
    general_items_level = models.CharField(
        max_length=16,
        choices=Level.choices,
        help_text="The level whose general items the form draws (the supervisor form uses practitioner items).",
    )
    minutes = models.PositiveSmallIntegerField(default=60)
    pass_mark_percent = models.PositiveSmallIntegerField(default=70)
    resit_wait_days = models.PositiveSmallIntegerField(default=90)
    attempt_limit = models.PositiveSmallIntegerField(default=3)

    class Meta:
        verbose_name_plural = "level settings"
        constraints = [
            models.CheckConstraint(name="settings_pass_mark_range", condition=Q(pass_mark_percent__lte=100)),
            models.CheckConstraint(
                name="settings_some_items", condition=Q(general_items__gt=0) | Q(applied_items__gt=0)
            ),
            models.CheckConstraint(name="settings_some_time", condition=Q(minutes__gt=0)),
            models.CheckConstraint(name="settings_some_attempts", condition=Q(attempt_limit__gt=0)),
        ]

    def __str__(self) -> str:
        return f"Settings for {self.get_level_display()}"

    @property
    def total_items(self) -> int:
        return self.general_items + self.applied_items


class Candidate(models.Model):
    """One person on the pathway at one level, from nomination (or their own request) to the decision."""

    # Interim marking (who second-marks, why, whether the assessors disagree) is for those who moderate; the
    # candidate and their manager see the observation's final result, and until then only that it is being checked.
    restricted_history_actions = {
        "observation_to_second_marking": "accreditation.moderate",
        "observation_to_moderation": "accreditation.moderate",
        "second_assessor_assigned": "accreditation.moderate",
    }

    class Stage(models.TextChoices):
        ENDORSEMENT = "endorsement", "Employer endorsement"
        KNOWLEDGE = "knowledge", "Knowledge assessment"
        OBSERVATION = "observation", "Practice observation"
        DECISION = "decision", "Decision and certificate"
        ACCREDITED = "accredited", "Accredited"

    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        DECLINED = "declined", "Endorsement declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CLOSED = "closed", "Attempts used up"
        ACCREDITED = "accredited", "Accredited"

    class Endorsement(models.TextChoices):
        REQUESTED = "requested", "Asked for by the social worker"
        NOMINATED = "nominated", "Nominated by the manager"
        ENDORSED = "endorsed", "Endorsed"
        DECLINED = "declined", "Declined"

    STAGES = [Stage.ENDORSEMENT, Stage.KNOWLEDGE, Stage.OBSERVATION, Stage.DECISION]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidacies")
    level = models.CharField(max_length=16, choices=Level.choices)
    standard = models.ForeignKey(StandardVersion, on_delete=models.PROTECT, related_name="candidates")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="accreditation_candidates")
    registration_number = models.CharField(max_length=12, help_text="As on the register when the candidacy began.")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.ENDORSEMENT)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    endorsement = models.CharField(max_length=16, choices=Endorsement.choices)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    endorsement_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    endorsement_decided_at = models.DateTimeField(null=True, blank=True)
    endorsement_reason = models.TextField(blank=True)
    extra_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Reasonable adjustment: extra time added to each knowledge assessment."
    )
    adjustment_note = models.CharField(max_length=255, blank=True)
    knowledge_passed_at = models.DateTimeField(null=True, blank=True)
    observation_passed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "level"], condition=Q(status="active"), name="candidate_one_active_per_level"
            ),
            models.CheckConstraint(
                name="candidate_decided_endorsement_has_reason",
                condition=~Q(endorsement__in=["endorsed", "declined"]) | ~Q(endorsement_reason=""),
            ),
            models.CheckConstraint(
                name="candidate_past_endorsement_is_endorsed",
                condition=Q(stage="endorsement") | Q(endorsement="endorsed"),
            ),
        ]
        indexes = [models.Index(fields=["level", "stage", "status"], name="candidate_pipeline")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_level_display()}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_endorsed(self) -> bool:
        return self.endorsement == self.Endorsement.ENDORSED


class PracticeMapping(models.Model):
    """A short statement of how the worker's practice meets one domain, written by the worker and manager."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="mappings")
    domain_key = models.SlugField(max_length=16)
    statement = models.TextField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["candidate", "domain_key"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "domain_key"], name="mapping_one_per_domain"),
            models.CheckConstraint(name="mapping_has_statement", condition=~Q(statement="")),
        ]

    def __str__(self) -> str:
        return f"Mapping of {self.domain_key}"
