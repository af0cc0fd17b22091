"""Workforce returns and the published statistics they are compared with.

Each count or rate is two columns: the number (NULL when missing) and the published symbol saying why it
is missing (`z x c low u`), so missing is never stored or summed as zero.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Organisation, Region

from .calculations import COUNTS, PUBLISHED_ONLY_RATES, RATES, SYMBOLS, Value

SYMBOL_CHOICES = [(k, f"{k} – {v}") for k, v in SYMBOLS.items()]


def _measure_fields(names, *, max_digits: int, decimal_places: int) -> dict:
    fields = {}
    for name in names:
        fields[name] = models.DecimalField(max_digits=max_digits, decimal_places=decimal_places, null=True, blank=True)
        fields[f"{name}_symbol"] = models.CharField(max_length=4, choices=SYMBOL_CHOICES, blank=True)
    return fields


class MeasureValues:
    """Read and write a measure as one value: a Decimal, a symbol, or None (not given yet)."""

    def get_value(self, name: str) -> Value:
        number = getattr(self, name)
        if number is not None:
            return number
        return getattr(self, f"{name}_symbol") or None

    def set_value(self, name: str, value: Value) -> None:
        if isinstance(value, Decimal):
            setattr(self, name, value)
            setattr(self, f"{name}_symbol", "")
        else:
            setattr(self, name, None)
            setattr(self, f"{name}_symbol", value or "")

    def counts(self) -> dict[str, Value]:
        return {name: self.get_value(name) for name in COUNTS}


def _count_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            name=f"{prefix}_{name}_not_negative", condition=Q(**{f"{name}__gte": 0}) | Q(**{f"{name}__isnull": True})
        )
        for name in COUNTS
    ]


CountsBase = type(
    "CountsBase",
    (models.Model,),
    {
        "__module__": __name__,
        "Meta": type("Meta", (), {"abstract": True}),
        **_measure_fields(COUNTS, max_digits=12, decimal_places=2),
    },
)


class ReportingUnit(models.Model):
    """What one return (and one published row) covers: usually one council, sometimes two reporting jointly
    (e.g. ``940 / 941`` North and West Northamptonshire). Councils stay separate organisations."""

    code = models.CharField(max_length=20, unique=True, help_text="LA numbers joined by “ / ”, as published.")
    name = models.CharField(max_length=255)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organisations = models.ManyToManyField(Organisation, related_name="reporting_units")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def la_numbers(self) -> list[str]:
        return [n.strip() for n in self.code.split("/")]

    @property
    def is_joint(self) -> bool:
        return len(self.la_numbers) > 1


class WorkforceReturn(MeasureValues, CountsBase):
    """One reporting unit's annual return (snapshot at 30 September; flows over the year to it)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Source(models.TextChoices):
        FORM = "form", "Online form"
        UPLOAD = "upload", "CSV upload"
        IMPORT = "import", "Imported by an operator"

    unit = models.ForeignKey(ReportingUnit, on_delete=models.PROTECT, related_name="returns")
    year = models.PositiveSmallIntegerField(help_text="Reporting year ending 30 September.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.FORM)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["unit__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="workforce_return_one_per_unit_year"),
            *_count_constraints("return"),
        ]
        indexes = [models.Index(fields=["year", "status"], name="workforce_return_year_status")]

    def __str__(self) -> str:
        return f"{self.unit.name} workforce return {self.year}"


class ReturnVersion(models.Model):
    """Every saved state of a return, kept for ever: drafts, the submission and each correction."""

    workforce_return = models.ForeignKey(WorkforceReturn, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=WorkforceReturn.Status.choices)
    values = models.JSONField(help_text="Each count as written: a number, a symbol, or null.")
    source = models.CharField(max_length=16, choices=WorkforceReturn.Source.choices)
    reason = models.TextField(blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workforce_return", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["workforce_return", "number"], name="return_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.workforce_return} version {self.number}"


PublishedBase = type(
    "PublishedBase",
    (models.Model,),
    {
        "__module__": __name__,
        "Meta": type("Meta", (), {"abstract": True}),
        **_measure_fields([*RATES, *PUBLISHED_ONLY_RATES], max_digits=8, decimal_places=1),
    },
)


class PublishedStatistic(MeasureValues, CountsBase, PublishedBase):
    """One row of the DfE published file, at any level, kept exactly as published (symbols included)."""

    class Level(models.TextChoices):
        NATIONAL = "national", "National"
        REGIONAL = "regional", "Regional"
        LOCAL_AUTHORITY = "local_authority", "Local authority"

    year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=16, choices=Level.choices)
    area_code = models.CharField(max_length=20, help_text="ONS code for England/regions, LA number(s) for councils.")
    area_name = models.CharField(max_length=255)
    region_code = models.CharField(max_length=9, blank=True)
    region_name = models.CharField(max_length=100, blank=True)
    old_la_code = models.CharField(max_length=20, blank=True)
    new_la_code = models.CharField(max_length=40, blank=True)
    la_name = models.CharField(max_length=255, blank=True)
    unit = models.ForeignKey(ReportingUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="published")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["year", "level", "area_name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "level", "area_code"], name="published_statistic_unique_area_year")
        ]
        indexes = [models.Index(fields=["level", "year"], name="published_level_year")]

    def __str__(self) -> str:
        return f"{self.area_name} {self.year} (published)"

    def rates(self) -> dict[str, Value]:
        return {name: self.get_value(name) for name in RATES}


class StatisticalNeighbour(models.Model):
    """The DfE's ten statistical neighbours of each council, in order of closeness (rank 1 is closest)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="statistical_neighbours")
    neighbour = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField()
    closeness = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["organisation", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "rank"], name="statistical_neighbour_unique_rank"),
            models.UniqueConstraint(fields=["organisation", "neighbour"], name="statistical_neighbour_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} neighbour {self.rank}: {self.neighbour}"
