"""The transfer bundle's format: the datasets, their columns and how each value is written and read.

The register's, cases' and courses' datasets are declared here; another app adds its own by defining
``transfer_datasets()`` in its ``selectors`` (found by ``datasets()``, in INSTALLED_APPS order), returning
``Dataset`` declarations whose rows come from that app's own queryset (``rows``) and whose lookups of that app's
reference data go through that app's own functions (``Column.resolve``): this package never reads another
app's tables itself. So the format is one versioned, documented list (``docs/transfer-format.md`` is generated
from the same declarations). Changing a column or adding a dataset changes SCHEMA_VERSION.
Datasets are listed in the order they load: a row only refers to rows of datasets above it.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import field as _field

from django.db.models import BigIntegerField, F, Q

# 2: accreditation and early-career datasets; 3: observed practice and accreditations; 4: CSV text cells that a
# spreadsheet would run as a formula are escaped (``csv_cell``), and courses' oversight and early-career records;
# 5: early-career learning agreements, caseload, review window exceptions, funding claims and reminders, courses'
# per-standard reviews and inspection exemptions, the messages sent and the audit log; 6: register renewals and the
# renewal reminders sent, and the accreditation pathway's practice mappings; 7: CPD records, employment histories,
# applications to register and their documents
SCHEMA_VERSION = "7"
KNOWN_SCHEMA_VERSIONS = frozenset({"7"})
PRODUCER = "Social work workforce accreditation service"
MANIFEST = "manifest.json"
FORMATS = ("csv", "jsonl")

# Column types: how a value is written (CSV text and JSON value) and read back.
TEXT, INTEGER, DATE, DATETIME, BOOLEAN, DECIMAL = "text", "integer", "date", "datetime", "boolean", "decimal"
OBJECT = "object"  # a JSON object of texts (such as a review's judgement by standard), written as canonical JSON
JSON = "json"  # any JSON value (an audit event's changes), written as canonical JSON: keys sorted, no spaces
# References: written as a readable key, resolved to an id on import.
ENTRY_REF, USER_REF, REGION_REF = "registration_number", "user_email", "region_code"


@dataclass(frozen=True)
class Column:
    name: str
    source: str  # the ORM path read by the exporter (values_list)
    type: str
    description: str
    nullable: bool = False
    field: str = ""  # the model attribute written on import (defaults to the column name)
    choices: tuple[str, ...] = ()
    # Another dataset whose ids this column holds (checked by verify).
    refers_to: str = ""
    # For a key of the owning app's reference data (a programme's code): maps the bundle's keys to this
    # service's ids on import, through that app's selectors; a key it does not return is refused.
    resolve: Callable[[set], dict] | None = _field(default=None, compare=False)

    @property
    def target(self) -> str:
        return self.field or self.name


@dataclass(frozen=True)
class Dataset:
    name: str
    model_label: str
    description: str
    columns: tuple[Column, ...]
    # Fields whose value on or after --since DATE marks the row as changed (dates or datetimes).
    since_fields: tuple[str, ...] = ()
    # Related rows whose own change marks this row as changed: (related model label, its FK to this row, its field).
    since_related: tuple[tuple[str, str, str], ...] = ()
    always_full: bool = False
    extra: dict = field(default_factory=dict)
    # The owning app's queryset of every row (its selector); the register's own datasets use the model's manager.
    rows: Callable | None = field(default=None, compare=False)
    # Called once every dataset is loaded, in the load's transaction: the owning app derives what the bundle leaves
    # out because it is derived (such as early career's stored schedule dates).
    after_load: Callable | None = field(default=None, compare=False)
    # A table the successor already writes to before it loads anything (the audit log: creating its first staff
    # account is recorded): the bundle's rows load after the successor's own, each under its bundle id plus one
    # shift (the highest id held before the load), remembered as one ``TransferredId`` row; an export writes them
    # with their bundle ids again, and the successor's own rows as the highest bundle id loaded plus their own.
    shifted: bool = False
    # A table the service itself keeps writing to and reading from while it runs (the outbox of messages, which
    # every notification and /metrics read): a load fills it row by row, never locking it for the whole load as
    # filling an empty table the fast way does (``empty_tables``).
    busy: bool = False

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.model_label)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def csv_header(self) -> bytes:
        """The CSV file's first row: the column names, ending in CRLF as every row does."""
        return (",".join(self.column_names) + "\r\n").encode()

    def files(self) -> list[str]:
        return [f"{self.name}.{fmt}" for fmt in FORMATS]

    def holds_empty_text(self, column: Column) -> bool:
        """Whether a column may hold an empty text (not null): a text whose field may be left blank, such as a
        draft scoresheet's recommendation. The data dictionary says so ("yes (empty text)"), and such a text
        is read back even where the column lists its choices."""
        if column.nullable or column.type != TEXT:
            return False
        return self.model._meta.get_field(column.target).blank

    def refers_to(self, column: Column) -> str:
        """The dataset whose ids a column holds: its own for ``id``, another's for a reference, else ""."""
        if column.name == "id":
            return self.name
        return column.refers_to or REFERENCES.get((self.name, column.name), "")

    def queryset(self, since: datetime.date | None = None, offsets: dict[str, int] | None = None):
        """Every row to export, as tuples of the columns' values, in order of the ids written. ``offsets`` (from
        ``id_offsets``, looked up if not given): for a dataset some of whose rows were loaded from a bundle, the
        highest bundle id loaded; its ids, and every reference to them, are written as in that bundle, and the
        successor's own rows follow, each as that highest id plus its own."""
        from django.apps import apps
        from django.utils import timezone

        qs = self.rows() if self.rows else self.model._default_manager.all()
        if offsets is None:
            offsets = id_offsets()
        if since is not None and not self.always_full:
            start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min), datetime.UTC)
            changed = Q()
            for name in self.since_fields:
                is_datetime = _field_at(self.model, name).get_internal_type() == "DateTimeField"
                changed |= Q(**{f"{name}__gte": start if is_datetime else since})
            for label, fk, name in self.since_related:
                related = apps.get_model(label)
                changed |= Q(pk__in=related._default_manager.filter(**{f"{name}__gte": start}).values(fk))
            qs = qs.filter(changed)
        sources = []
        for c in self.columns:
            target = self.refers_to(c)
            if target == self.name and self.shifted and target in offsets:
                qs = qs.annotate(bundle_id=_shifted_bundle_id(self.name, offsets[self.name]))
                sources.append("bundle_id")
            elif target in offsets:
                alias = f"bundle_{c.name}"
                qs = qs.annotate(**{alias: _bundle_id(target, "pk" if c.name == "id" else c.source, offsets[target])})
                sources.append(alias)
            else:
                sources.append(c.source)
        qs = qs.annotate(transfer_order=F("bundle_id") if self.name in offsets else F("pk"))
        return qs.order_by("transfer_order").values_list(*sources)


# Reference data a successor holds before it loads anything (its own regions and organisations): a bundle's rows
# are given this service's ids as they load (``regulation.models.TransferredId`` keeps both). Every other
# dataset loads only into an empty table, keeping the bundle's ids.
MAPPED = ("regions", "organisations")

# Columns that refer to rows of another dataset by id, declared here for the register's own datasets (other apps'
# columns say so with ``Column.refers_to``): (dataset, column) → the dataset it refers to.
REFERENCES = {
    ("education_providers", "organisation_id"): "organisations",
    ("register", "current_employer_id"): "organisations",
    ("ftp_case_stages", "case_id"): "ftp_cases",
    ("ftp_orders", "case_id"): "ftp_cases",
    ("registration_history", "order_id"): "ftp_orders",
    ("conditions", "case_id"): "ftp_cases",
    ("conditions", "order_id"): "ftp_orders",
    ("courses", "provider_id"): "education_providers",
    ("course_approvals", "course_id"): "courses",
    ("course_status_history", "course_id"): "courses",
    ("course_status_history", "application_id"): "course_approvals",
    ("employments", "employer_id"): "organisations",
    ("register_applications", "employer_id"): "organisations",
    ("register_applications", "course_id"): "courses",
    ("register_application_documents", "application_id"): "register_applications",
}


def id_offsets() -> dict[str, int]:
    """For each dataset some of whose rows came from a bundle, the highest bundle id loaded (one query)."""
    from django.db.models import Max

    from regulation.models import TransferredId

    found = TransferredId.objects.order_by().values("dataset").annotate(top=Max("bundle_id"))
    return {row["dataset"]: row["top"] for row in found}


def _bundle_id(dataset: str, ref: str, offset: int):
    """The id a row of ``dataset`` (whose id here is ``ref``) has in a bundle: the one it was loaded with, or, for
    the successor's own row, the highest loaded id plus its own (never one a loaded row has)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from regulation.models import TransferredId

    loaded = TransferredId.objects.filter(dataset=dataset, local_id=OuterRef(ref)).values("bundle_id")[:1]
    return Coalesce(Subquery(loaded), F(ref) + offset, output_field=BigIntegerField())


def _shifted_bundle_id(dataset: str, top: int):
    """For a ``Dataset.shifted`` dataset, the id a row has in a bundle: a loaded row's id less the shift it was
    loaded with (its ``TransferredId`` row: the highest bundle id loaded, and that id here), and a row of the
    successor's own (before the load or since), the highest bundle id loaded plus its own (never a loaded row's)."""
    from django.db.models import Case, Subquery, When

    from regulation.models import TransferredId

    shift = Subquery(
        TransferredId.objects.filter(dataset=dataset)
        .annotate(shift=F("local_id") - F("bundle_id"))
        .values("shift")[:1],
        output_field=BigIntegerField(),
    )
    return Case(
        When(Q(pk__gt=shift) & Q(pk__lte=shift + top), then=F("pk") - shift),
        default=F("pk") + top,
        output_field=BigIntegerField(),
    )


def _field_at(model, path: str):
    """The model field at the end of an ORM path (``claim__created_at``)."""
    *through, name = path.split("__")
    for step in through:
        model = model._meta.get_field(step).related_model
    return model._meta.get_field(name)


def _choices(label: str, attr: str) -> tuple[str, ...]:
    from django.apps import apps

    model = apps.get_model(label)
    return tuple(value for value, _ in model._meta.get_field(attr).choices)


def C(name, source, type_, description, **kwargs) -> Column:
    return Column(name=name, source=source, type=type_, description=description, **kwargs)


def _id(what: str) -> Column:
    return C("id", "id", INTEGER, f"The {what}'s identifier, kept on transfer so other files can refer to it.")


def _user(name: str, source: str, description: str, *, nullable: bool = True) -> Column:
    return C(name, source, USER_REF, description, nullable=nullable, field=f"{source.split('__')[0]}_id")


def _entry(description: str = "The social worker's registration number (see register.csv).") -> Column:
    return C("registration_number", "entry__registration_number", ENTRY_REF, description, field="entry_id")


# For other apps' declarations (``<app>.selectors.transfer_datasets``).
column, id_column, user_column = C, _id, _user


def datasets() -> tuple[Dataset, ...]:
    """Built on first use, after the apps are loaded (choices come from the models): the register's own, then
    each other app's ``selectors.transfer_datasets()``."""
    global _DATASETS
    if _DATASETS is None:
        _DATASETS = (*_build(), *_declared_by_apps())
    return _DATASETS


def _declared_by_apps() -> list[Dataset]:
    import importlib
    import importlib.util

    from django.apps import apps

    found: list[Dataset] = []
    for config in apps.get_app_configs():
        if config.name == "regulation" or importlib.util.find_spec(f"{config.name}.selectors") is None:
            continue
        declare = getattr(importlib.import_module(f"{config.name}.selectors"), "transfer_datasets", None)
        if declare is not None:
            found.extend(declare())
    return found


_DATASETS: tuple[Dataset, ...] | None = None


def dataset(name: str) -> Dataset:
    return next(d for d in datasets() if d.name == name)


def _build() -> tuple[Dataset, ...]:
    R, CR = "regulation", "regulation"
    entry_status = _choices(f"{R}.RegisterEntry", "status")
    return (
        Dataset(
            "regions",
            "accounts.Region",
            "The English regions other files refer to by ONS code.",
            (
                _id("region"),
                C("code", "code", TEXT, "ONS region code, such as E12000007."),
                C("name", "name", TEXT, "Region name."),
            ),
            always_full=True,
        ),
        Dataset(
            "organisations",
            "accounts.Organisation",
            "Employers and education providers the other files refer to.",
            (
                _id("organisation"),
                C("name", "name", TEXT, "The organisation's name."),
                C("kind", "kind", TEXT, "What it is.", choices=_choices("accounts.Organisation", "kind")),
                C(
                    "employer_type",
                    "employer_type",
                    TEXT,
                    "For other employers: trust, agency, charity, NHS body or other. Empty otherwise.",
                ),
                C("la_number", "la_number", TEXT, "DfE three-digit local authority number.", nullable=True),
                C(
                    "region_code",
                    "region__code",
                    REGION_REF,
                    "ONS code of its region.",
                    nullable=True,
                    field="region_id",
                ),
                C("town", "town", TEXT, "Town."),
                C("is_active", "is_active", BOOLEAN, "Whether it still operates."),
                C("closed_on", "closed_on", DATE, "When it closed.", nullable=True),
            ),
            always_full=True,
        ),
        Dataset(
            "education_providers",
            f"{CR}.EducationProvider",
            "Universities, colleges and fast-track providers offering qualifying courses.",
            (
                _id("provider"),
                C("organisation_id", "organisation_id", INTEGER, "The provider's organisation (organisations.csv)."),
                C("ukprn", "ukprn", TEXT, "UK provider reference number (8 digits) or empty."),
                C("address", "address", TEXT, "Postal address."),
                C("region_code", "region__code", REGION_REF, "ONS region code.", nullable=True, field="region_id"),
                C("contact_email", "contact_email", TEXT, "Contact email address."),
                C("website", "website", TEXT, "Website."),
                C("created_at", "created_at", DATETIME, "When the provider was recorded."),
                C("updated_at", "updated_at", DATETIME, "When its details last changed."),
            ),
            since_fields=("created_at", "updated_at"),
        ),
        Dataset(
            "register",
            f"{R}.RegisterEntry",
            "Every social worker ever on the register, whatever their status now.",
            (
                _id("register entry"),
                C(
                    "registration_number",
                    "registration_number",
                    TEXT,
                    "Registration number: SW followed by digits, never reused.",
                ),
                C(
                    "number_allocated_at",
                    "number_allocation__allocated_at",
                    DATETIME,
                    "When the number was issued.",
                    field="number_allocation",
                ),
                C("first_name", "first_name", TEXT, "First name as registered."),
                C("last_name", "last_name", TEXT, "Last name as registered."),
                C("date_of_birth", "date_of_birth", DATE, "Date of birth.", nullable=True),
                C("email", "email", TEXT, "Email address for register business."),
                C("qualification", "qualification", TEXT, "Qualifying course or qualification."),
                C("qualified_on", "qualified_on", DATE, "Date of qualification."),
                C("registered_on", "registered_on", DATE, "Date first registered."),
                C("registered_until", "registered_until", DATE, "30 November ending the year paid for."),
                C("status", "status", TEXT, "Register status now.", choices=entry_status),
                C("status_changed_at", "status_changed_at", DATETIME, "When the status last changed."),
                C(
                    "current_employer_id",
                    "current_employer_id",
                    INTEGER,
                    "Current employer (organisations.csv).",
                    nullable=True,
                ),
            ),
            since_fields=("registered_on", "status_changed_at"),
            since_related=((f"{R}.StatusChange", "entry_id", "changed_at"),),
        ),
        Dataset(
            "renewals",
            f"{R}.Renewal",
            "Each renewal of a registration: the year renewed from, whether it was late, and the CPD the person "
            "declared for that year (the count of records and of those discussed with a peer, as renewal checked "
            "them; the records themselves are in cpd_records).",
            (
                _id("renewal"),
                _entry(),
                C("year_end", "year_end", DATE, "30 November ending the registration year renewed from."),
                C("renewed_at", "renewed_at", DATETIME, "When it was renewed."),
                _user("renewed_by", "renewed_by__email", "Who renewed it; empty when recorded by the system."),
                C("late", "late", BOOLEAN, "Whether it was renewed in the grace period after the year ended."),
                C("cpd_count", "cpd_count", INTEGER, "CPD records declared for the year."),
                C(
                    "peer_reflection_count",
                    "peer_reflection_count",
                    INTEGER,
                    "Of those, records discussed with a peer.",
                ),
            ),
            since_fields=("renewed_at",),
        ),
        Dataset(
            "ftp_cases",
            f"{R}.FitnessToPractiseCase",
            "Fitness-to-practise cases, open and closed (stage says which).",
            (
                _id("case"),
                _entry(),
                C("concern", "concern", TEXT, "The concern raised."),
                C("source", "source", TEXT, "Who raised it."),
                C("received_on", "received_on", DATE, "When the concern was received."),
                C(
                    "stage",
                    "stage",
                    TEXT,
                    "Stage now; closed cases are closed.",
                    choices=_choices(f"{R}.FitnessToPractiseCase", "stage"),
                ),
                _user("opened_by", "opened_by__email", "Email of the person who opened it.", nullable=False),
                C("opened_at", "opened_at", DATETIME, "When the case was opened."),
                C("outcome", "outcome", TEXT, "Outcome of a closed case, empty while open."),
                C("outcome_reason", "outcome_reason", TEXT, "Reasons for the outcome."),
                C("closed_on", "closed_on", DATE, "When it closed.", nullable=True),
            ),
            since_fields=("opened_at", "received_on", "closed_on"),
            since_related=((f"{R}.CaseStage", "case_id", "recorded_at"),),
        ),
        Dataset(
            "ftp_case_stages",
            f"{R}.CaseStage",
            "Each stage a case passed through: its history.",
            (
                _id("stage record"),
                C("case_id", "case_id", INTEGER, "The case (ftp_cases.csv)."),
                C("stage", "stage", TEXT, "Stage entered.", choices=_choices(f"{R}.CaseStage", "stage")),
                C("started_on", "started_on", DATE, "When the stage began."),
                C("note", "note", TEXT, "Why it moved."),
                _user("recorded_by", "recorded_by__email", "Who recorded it.", nullable=False),
                C("recorded_at", "recorded_at", DATETIME, "When it was recorded."),
            ),
            since_fields=("recorded_at",),
        ),
        Dataset(
            "ftp_orders",
            f"{R}.Order",
            "Interim and final orders made on fitness-to-practise cases.",
            (
                _id("order"),
                C("case_id", "case_id", INTEGER, "The case (ftp_cases.csv)."),
                _entry(),
                C("kind", "kind", TEXT, "Kind of order.", choices=_choices(f"{R}.Order", "kind")),
                C("starts_on", "starts_on", DATE, "When it takes effect."),
                C("review_on", "review_on", DATE, "Review date (interim orders).", nullable=True),
                C("expires_on", "expires_on", DATE, "Expiry; empty only for removal.", nullable=True),
                C("status", "status", TEXT, "Status now.", choices=_choices(f"{R}.Order", "status")),
                C("reason", "reason", TEXT, "The panel's reasons."),
                _user("made_by", "made_by__email", "Who recorded it.", nullable=False),
                C("made_at", "made_at", DATETIME, "When it was recorded."),
                C("ended_at", "ended_at", DATETIME, "When it ended early or was replaced.", nullable=True),
                C("end_reason", "end_reason", TEXT, "Why it ended."),
            ),
            since_fields=("made_at", "ended_at", "starts_on"),
        ),
        Dataset(
            "registration_history",
            f"{R}.StatusChange",
            "Every change of register status, oldest first per identifier.",
            (
                _id("status change"),
                _entry(),
                C("from_status", "from_status", TEXT, "Status before; empty for first registration."),
                C("to_status", "to_status", TEXT, "Status after.", choices=entry_status),
                C("reason", "reason", TEXT, "Why it changed."),
                C("changed_at", "changed_at", DATETIME, "When."),
                _user("changed_by", "changed_by__email", "Who changed it; empty when done by the system."),
                C("order_id", "order_id", INTEGER, "The order that caused it (ftp_orders.csv).", nullable=True),
            ),
            since_fields=("changed_at",),
        ),
        Dataset(
            "annotations",
            f"{R}.Annotation",
            "Annotations on the register (AMHP, BIA, accreditation, temporary registration).",
            (
                _id("annotation"),
                _entry(),
                C("kind", "kind", TEXT, "What is annotated.", choices=_choices(f"{R}.Annotation", "kind")),
                C("starts_on", "starts_on", DATE, "From."),
                C("ends_on", "ends_on", DATE, "Until; empty while in force.", nullable=True),
                C("note", "note", TEXT, "Note."),
                _user("added_by", "added_by__email", "Who added it; empty when added by the system."),
                C("added_at", "added_at", DATETIME, "When it was added."),
                C("end_reason", "end_reason", TEXT, "Why it ended."),
            ),
            since_fields=("added_at", "starts_on", "ends_on"),
        ),
        Dataset(
            "conditions",
            f"{R}.Condition",
            "Conditions of practice, in force and ended.",
            (
                _id("condition"),
                _entry(),
                C("case_id", "case_id", INTEGER, "The case (ftp_cases.csv), if any.", nullable=True),
                C("order_id", "order_id", INTEGER, "The order (ftp_orders.csv), if any.", nullable=True),
                C("text", "text", TEXT, "The condition as imposed."),
                C("starts_on", "starts_on", DATE, "From."),
                C("ends_on", "ends_on", DATE, "Until.", nullable=True),
                C("revoked_at", "revoked_at", DATETIME, "When revoked.", nullable=True),
                C("revoked_reason", "revoked_reason", TEXT, "Why revoked."),
                _user("added_by", "added_by__email", "Who recorded it.", nullable=False),
                C("added_at", "added_at", DATETIME, "When recorded."),
            ),
            since_fields=("added_at", "starts_on", "ends_on", "revoked_at"),
        ),
        Dataset(
            "renewal_reminders",
            f"{R}.RenewalReminder",
            "Each renewal reminder sent to a social worker, one per kind per registration year (so a successor "
            "does not send the same reminder again).",
            (
                _id("reminder"),
                _entry(),
                C("year_end", "year_end", DATE, "30 November ending the registration year it was about."),
                C("kind", "kind", TEXT, "Which reminder.", choices=_choices(f"{R}.RenewalReminder", "kind")),
                C("sent_at", "sent_at", DATETIME, "When it was sent."),
            ),
            since_fields=("sent_at",),
        ),
        Dataset(
            "direct_work_logs",
            f"{R}.DirectWorkLog",
            "Each day of direct work a social worker logged: the hours counted against the hours expected in a "
            "registration year, which they, their employer and regulator staff see.",
            (
                _id("log"),
                _entry(),
                C("worked_on", "worked_on", DATE, "The day of the work."),
                C("hours", "hours", DECIMAL, "Hours of direct work that day, such as 7.50."),
                C("description", "description", TEXT, "What the work was."),
                C("created_at", "created_at", DATETIME, "When it was logged."),
            ),
            since_fields=("created_at",),
        ),
        Dataset(
            "cpd_records",
            f"{R}.CPDRecord",
            "Each CPD record a social worker kept: renewal counts those in the registration year, so without them a "
            "successor would refuse renewals until people entered their CPD again. A record the person deleted is "
            "here too, marked by deleted_at, as the predecessor kept it: counted nowhere.",
            (
                _id("CPD record"),
                _entry(),
                C("title", "title", TEXT, "What the activity was."),
                C("activity_date", "activity_date", DATE, "The date of the activity."),
                C("learning", "learning", TEXT, "What the person learned."),
                C("impact", "impact", TEXT, "The impact on their practice."),
                C("discussed_with_peer", "discussed_with_peer", BOOLEAN, "Whether it was discussed with a peer."),
                C("peer_name", "peer_name", TEXT, "Who it was discussed with; empty if nobody."),
                C("created_at", "created_at", DATETIME, "When it was recorded."),
                C("deleted_at", "deleted_at", DATETIME, "When the person deleted it; empty if not.", nullable=True),
            ),
            since_fields=("created_at", "deleted_at"),
            # Every record, the deleted too (the model's default manager leaves those out).
            rows=_every_cpd_record,
        ),
        Dataset(
            "employments",
            f"{R}.Employment",
            "Each job a social worker recorded, current and ended: the register's current employer, the employer's "
            "confirmation and the assessors' conflicts of interest are read from them.",
            (
                _id("employment"),
                _entry(),
                C("employer_id", "employer_id", INTEGER, "The employer (organisations.csv)."),
                C("role_title", "role_title", TEXT, "The role."),
                C("started_on", "started_on", DATE, "Start date."),
                C("ended_on", "ended_on", DATE, "End date; empty while it continues.", nullable=True),
                C("fte", "fte", DECIMAL, "Full-time equivalent, such as 0.60."),
                C("contract", "contract", TEXT, "Kind of contract.", choices=_choices(f"{R}.Employment", "contract")),
                C("confirmed_at", "confirmed_at", DATETIME, "When the employer confirmed it.", nullable=True),
                _user("confirmed_by", "confirmed_by__email", "Who at the employer confirmed it."),
                C("end_reason", "end_reason", TEXT, "Why it ended."),
                C("created_at", "created_at", DATETIME, "When it was recorded."),
            ),
            since_fields=("created_at", "confirmed_at", "started_on", "ended_on"),
        ),
        Dataset(
            "courses",
            f"{CR}.Course",
            "Qualifying courses: approved, formerly approved and never approved.",
            (
                _id("course"),
                C("provider_id", "provider_id", INTEGER, "The provider (education_providers.csv)."),
                C("title", "title", TEXT, "Course title."),
                C("award", "award", TEXT, "Award, such as BA (Hons) Social Work."),
                C("level", "level", TEXT, "Level.", choices=_choices(f"{CR}.Course", "level")),
                C("mode", "mode", TEXT, "Full-time or part-time.", choices=_choices(f"{CR}.Course", "mode")),
                C("site", "site", TEXT, "Where it is taught."),
                C("annual_places", "annual_places", INTEGER, "Annual intake."),
                C("practice_days", "practice_days", INTEGER, "Practice-learning days."),
                C("statutory_placement_days", "statutory_placement_days", INTEGER, "Days in statutory placements."),
                C("skills_days", "skills_days", INTEGER, "Skills days."),
                C("first_intake", "first_intake", DATE, "First intake."),
                C("status", "status", TEXT, "Status now.", choices=_choices(f"{CR}.Course", "status")),
                C("approved_on", "approved_on", DATE, "First approved.", nullable=True),
                C("approval_ended_on", "approval_ended_on", DATE, "Approval withdrawn or closed.", nullable=True),
                C("flagged_on", "flagged_on", DATE, "A condition was not met by its due date.", nullable=True),
                C("next_monitoring_due", "next_monitoring_due", DATE, "Next monitoring return due.", nullable=True),
                C("created_at", "created_at", DATETIME, "When recorded."),
                C("updated_at", "updated_at", DATETIME, "When last changed."),
            ),
            since_fields=("created_at", "updated_at"),
            since_related=((f"{CR}.CourseStatusChange", "course_id", "changed_at"),),
        ),
        Dataset(
            "course_approvals",
            f"{CR}.CourseApplication",
            "Applications for course approval (new, re-approval, major change) and their decisions.",
            (
                _id("application"),
                C("course_id", "course_id", INTEGER, "The course (courses.csv)."),
                C("kind", "kind", TEXT, "Kind.", choices=_choices(f"{CR}.CourseApplication", "kind")),
                C("status", "status", TEXT, "Status.", choices=_choices(f"{CR}.CourseApplication", "status")),
                C("change_summary", "change_summary", TEXT, "For a major change: what changes and why."),
                _user("created_by", "created_by__email", "Who started it.", nullable=False),
                C("created_at", "created_at", DATETIME, "When started."),
                C("updated_at", "updated_at", DATETIME, "When last changed."),
                C("submitted_at", "submitted_at", DATETIME, "When submitted.", nullable=True),
                _user("submitted_by", "submitted_by__email", "Who submitted it."),
                _user("reviewer", "reviewer__email", "Reviewer at the regulator."),
                C("paused_days", "paused_days", INTEGER, "Days waiting on the provider."),
                C("paused_since", "paused_since", DATE, "Waiting on the provider since.", nullable=True),
                C("outcome", "outcome", TEXT, "Decision, empty until decided."),
                C("decided_at", "decided_at", DATETIME, "When decided.", nullable=True),
                _user("decided_by", "decided_by__email", "Who decided."),
                C("decision_reason", "decision_reason", TEXT, "Reasons for the decision."),
            ),
            since_fields=("created_at", "updated_at", "submitted_at", "decided_at"),
        ),
        Dataset(
            "course_status_history",
            f"{CR}.CourseStatusChange",
            "Every change of a course's status: approved, withdrawn, closed, with when and why.",
            (
                _id("status change"),
                C("course_id", "course_id", INTEGER, "The course (courses.csv)."),
                C("from_status", "from_status", TEXT, "Status before; empty for the first."),
                C("to_status", "to_status", TEXT, "Status after.", choices=_choices(f"{CR}.Course", "status")),
                C("effective_on", "effective_on", DATE, "When it took effect."),
                C("changed_at", "changed_at", DATETIME, "When recorded."),
                _user("changed_by", "changed_by__email", "Who recorded it."),
                C("reason", "reason", TEXT, "Why."),
                C("application_id", "application_id", INTEGER, "The approval (course_approvals.csv).", nullable=True),
            ),
            since_fields=("changed_at",),
        ),
        Dataset(
            "register_applications",
            f"{R}.Application",
            "Each application to register or to return to the register, being decided and decided: the details "
            "applied with, the declarations, the course matched and the decision. The applicant may have no "
            "register entry yet.",
            (
                _id("application"),
                _user("applicant", "applicant__email", "The applicant's account.", nullable=False),
                C("first_name", "first_name", TEXT, "First name applied with."),
                C("last_name", "last_name", TEXT, "Last name applied with."),
                C("date_of_birth", "date_of_birth", DATE, "Date of birth."),
                C("email", "email", TEXT, "Email address applied with."),
                C("address", "address", TEXT, "Postal address."),
                C("qualification", "qualification", TEXT, "Qualifying course as the applicant named it."),
                C("qualified_on", "qualified_on", DATE, "Date of qualification."),
                C("employer_id", "employer_id", INTEGER, "Employer (organisations.csv), if any.", nullable=True),
                C("course_id", "course_id", INTEGER, "The approved course (courses.csv), if matched.", nullable=True),
                C("course_not_listed", "course_not_listed", BOOLEAN, "Whether the course was not on the list."),
                C("course_matched_at", "course_matched_at", DATETIME, "When staff matched the course.", nullable=True),
                _user("course_matched_by", "course_matched_by__email", "Who matched it."),
                C("course_match_reason", "course_match_reason", TEXT, "Why this course."),
                C("status", "status", TEXT, "Status now.", choices=_choices(f"{R}.Application", "status")),
                C("submitted_at", "submitted_at", DATETIME, "When it was sent."),
                C("information_requested", "information_requested", TEXT, "More information asked for."),
                C("applicant_response", "applicant_response", TEXT, "The applicant's answer."),
                C("decided_at", "decided_at", DATETIME, "When decided; empty while being decided.", nullable=True),
                _user("decided_by", "decided_by__email", "Who decided."),
                C("decision_reason", "decision_reason", TEXT, "Reasons for the decision."),
                C(
                    "registration_number",
                    "entry__registration_number",
                    ENTRY_REF,
                    "The register entry it made (register.csv); empty until approved.",
                    nullable=True,
                    field="entry_id",
                ),
                C(
                    "restores_registration_number",
                    "restores__registration_number",
                    ENTRY_REF,
                    "For a lapsed or removed person returning: the entry to restore (register.csv).",
                    nullable=True,
                    field="restores_id",
                ),
                C("statement", "statement", TEXT, "Why the person is applying to return."),
                C(
                    "health_declaration",
                    "health_declaration",
                    BOOLEAN,
                    "Has a health condition that could affect safe practice; empty if not asked.",
                    nullable=True,
                ),
                C(
                    "character_declaration",
                    "character_declaration",
                    BOOLEAN,
                    "Has anything in their conduct or character the regulator should know; empty if not asked.",
                    nullable=True,
                ),
                C(
                    "convictions_declaration",
                    "convictions_declaration",
                    BOOLEAN,
                    "Has a conviction, caution or pending charge; empty if not asked.",
                    nullable=True,
                ),
                C("declaration_details", "declaration_details", TEXT, "Details of what was declared."),
                C("declared_at", "declared_at", DATETIME, "When the applicant confirmed it is true.", nullable=True),
            ),
            since_fields=("submitted_at", "course_matched_at", "decided_at", "declared_at"),
        ),
        Dataset(
            "register_application_documents",
            f"{R}.ApplicationDocument",
            "The evidence sent with an application to register (a qualification certificate, proof of identity).",
            (
                _id("document"),
                C("application_id", "application_id", INTEGER, "The application (register_applications.csv)."),
                C("kind", "kind", TEXT, "What it is.", choices=_choices(f"{R}.ApplicationDocument", "kind")),
                C(
                    "document_stored_as",
                    "file",
                    TEXT,
                    "Where the predecessor stored the document (the file is not in the bundle).",
                    field="file",
                ),
                C("original_name", "original_name", TEXT, "The document's name as uploaded."),
                C("content_type", "content_type", TEXT, "Its type, as found from its content."),
                C("size", "size", INTEGER, "Its size in bytes."),
                C("uploaded_at", "uploaded_at", DATETIME, "When it was uploaded."),
            ),
            since_fields=("uploaded_at",),
        ),
        *_course_oversight(CR),
    )


def _every_cpd_record():
    from regulation.models import CPDRecord

    return CPDRecord.all_objects.all()


def _stored(name: str, source: str, what: str) -> Column:
    """A document's place in the predecessor's file store: the file itself is not in the bundle (it is handed
    over with the store), but a record that needs a document keeps its name, so the two can be matched."""
    return C(
        name,
        source,
        TEXT,
        f"Where the predecessor stored {what} (the file is not in the bundle); empty if none.",
        field=source,
    )


def _course_oversight(CR: str) -> tuple[Dataset, ...]:
    """What the regulator asks of an approved course after (and while) approving it: its conditions, requests
    for more information, inspections and annual monitoring returns."""
    return (
        Dataset(
            "course_conditions",
            f"{CR}.CourseCondition",
            "Conditions set on a course's approval, the provider's response and whether each was met.",
            (
                _id("condition"),
                C("course_id", "course_id", INTEGER, "The course (courses.csv).", refers_to="courses"),
                C(
                    "application_id",
                    "application_id",
                    INTEGER,
                    "The approval that set it (course_approvals.csv).",
                    refers_to="course_approvals",
                ),
                C("text", "text", TEXT, "The condition."),
                C("due_on", "due_on", DATE, "When it must be met."),
                C("status", "status", TEXT, "Status.", choices=_choices(f"{CR}.CourseCondition", "status")),
                C("response", "response", TEXT, "The provider's evidence that it is met."),
                _stored("evidence_stored_as", "evidence_file", "the provider's evidence document"),
                C("evidence_name", "evidence_name", TEXT, "The evidence document's name as uploaded."),
                C("evidence_type", "evidence_type", TEXT, "Its type, as found from its content."),
                C("evidence_size", "evidence_size", INTEGER, "Its size in bytes.", nullable=True),
                C("responded_at", "responded_at", DATETIME, "When the provider responded.", nullable=True),
                C("decided_at", "decided_at", DATETIME, "When it was judged met or not.", nullable=True),
                _user("decided_by", "decided_by__email", "Who judged it."),
                C("decision_reason", "decision_reason", TEXT, "Why."),
                C("created_at", "created_at", DATETIME, "When it was set."),
            ),
            since_fields=("created_at", "responded_at", "decided_at"),
        ),
        Dataset(
            "course_information_requests",
            f"{CR}.InformationRequest",
            "Requests for more information during an approval, and the provider's answers.",
            (
                _id("request"),
                C(
                    "application_id",
                    "application_id",
                    INTEGER,
                    "The approval (course_approvals.csv).",
                    refers_to="course_approvals",
                ),
                C("question", "question", TEXT, "What was asked."),
                C("due_on", "due_on", DATE, "When the answer was due."),
                _user("requested_by", "requested_by__email", "Who asked.", nullable=False),
                C("requested_at", "requested_at", DATETIME, "When."),
                C("response", "response", TEXT, "The provider's answer."),
                C("responded_at", "responded_at", DATETIME, "When it answered.", nullable=True),
                _user("responded_by", "responded_by__email", "Who answered."),
            ),
            since_fields=("requested_at", "responded_at"),
        ),
        Dataset(
            "course_inspections",
            f"{CR}.Inspection",
            "Inspections made for an approval, with the team and the report.",
            (
                _id("inspection"),
                C(
                    "application_id",
                    "application_id",
                    INTEGER,
                    "The approval (course_approvals.csv).",
                    refers_to="course_approvals",
                ),
                C("starts_on", "starts_on", DATE, "First day."),
                C("ends_on", "ends_on", DATE, "Last day."),
                C("team", "team", TEXT, "Who inspected, one a line."),
                C("report", "report", TEXT, "The report's findings."),
                _stored("report_stored_as", "report_file", "the report document"),
                C("report_name", "report_name", TEXT, "The report document's name as uploaded."),
                C("report_type", "report_type", TEXT, "Its type, as found from its content."),
                C("report_size", "report_size", INTEGER, "Its size in bytes.", nullable=True),
                _user("recorded_by", "recorded_by__email", "Who recorded it.", nullable=False),
                C("recorded_at", "recorded_at", DATETIME, "When."),
            ),
            since_fields=("recorded_at", "starts_on"),
        ),
        Dataset(
            "course_monitoring_returns",
            f"{CR}.MonitoringReturn",
            "Each approved course's annual monitoring return: its figures, the provider's account and the outcome.",
            (
                _id("return"),
                C("course_id", "course_id", INTEGER, "The course (courses.csv).", refers_to="courses"),
                C("year", "year", INTEGER, "The academic year starting in this year."),
                C("due_on", "due_on", DATE, "When it was due."),
                C("status", "status", TEXT, "Status.", choices=_choices(f"{CR}.MonitoringReturn", "status")),
                C("intake", "intake", INTEGER, "Students who started.", nullable=True),
                C("students", "students", INTEGER, "Students on the course.", nullable=True),
                C("completions", "completions", INTEGER, "Students who completed.", nullable=True),
                C(
                    "placement_days_provided",
                    "placement_days_provided",
                    INTEGER,
                    "Days of practice learning per student.",
                    nullable=True,
                ),
                C("changes", "changes", TEXT, "Changes to the course."),
                C("concerns", "concerns", TEXT, "Concerns the provider reports."),
                C("submitted_at", "submitted_at", DATETIME, "When it was sent.", nullable=True),
                _user("submitted_by", "submitted_by__email", "Who sent it."),
                C(
                    "outcome",
                    "outcome",
                    TEXT,
                    "The regulator's outcome; empty until recorded.",
                    choices=_choices(f"{CR}.MonitoringReturn", "outcome"),
                ),
                C("outcome_reason", "outcome_reason", TEXT, "Why."),
                C("outcome_at", "outcome_at", DATETIME, "When the outcome was recorded.", nullable=True),
                _user("outcome_by", "outcome_by__email", "Who recorded it."),
                C("reminded_before_on", "reminded_before_on", DATE, "Reminder sent before it was due.", nullable=True),
                C("reminded_after_on", "reminded_after_on", DATE, "Reminder sent once overdue.", nullable=True),
                C("created_at", "created_at", DATETIME, "When it was opened."),
            ),
            since_fields=("created_at", "submitted_at", "outcome_at"),
        ),
        Dataset(
            "course_standard_reviews",
            f"{CR}.StandardReview",
            "The regulator's review of an approval against each standard: the outcome, the reasons, who and when.",
            (
                _id("review"),
                C(
                    "application_id",
                    "application_id",
                    INTEGER,
                    "The approval (course_approvals.csv).",
                    refers_to="course_approvals",
                ),
                C("standard", "standard", TEXT, "The standard.", choices=_choices(f"{CR}.StandardReview", "standard")),
                C("outcome", "outcome", TEXT, "The outcome.", choices=_choices(f"{CR}.StandardReview", "outcome")),
                C("reasons", "reasons", TEXT, "Why."),
                _user("reviewed_by", "reviewed_by__email", "Who reviewed it.", nullable=False),
                C("reviewed_at", "reviewed_at", DATETIME, "When."),
            ),
            since_fields=("reviewed_at",),
        ),
        Dataset(
            "course_inspection_exemptions",
            f"{CR}.InspectionExemption",
            "A recorded decision that an approval may be decided without an inspection: why, who and when.",
            (
                _id("exemption"),
                C(
                    "application_id",
                    "application_id",
                    INTEGER,
                    "The approval (course_approvals.csv).",
                    refers_to="course_approvals",
                ),
                C("reason", "reason", TEXT, "Why no inspection is needed."),
                _user("granted_by", "granted_by__email", "Who granted it.", nullable=False),
                C("granted_at", "granted_at", DATETIME, "When."),
            ),
            since_fields=("granted_at",),
        ),
    )


# --- Values ------------------------------------------------------------------------------------------------------


def _utc(value):
    if value.utcoffset():
        value = value.astimezone(datetime.UTC)
    # isoformat is several times faster than strftime, and gives the same text.
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def object_text(value: dict) -> str:
    """An object of texts as the bundle writes it: JSON, members sorted by key, no spaces, text as it is (only
    quotes, backslashes and control characters escaped). One way only, so the same object gives the same bytes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_text(value) -> str:
    """Any JSON value as the bundle writes it (an audit event's changes): objects' members sorted by key, no
    spaces, text as it is. One way only, as ``object_text``."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


_CONVERTERS = {
    OBJECT: object_text,
    JSON: json_text,
    DATETIME: _utc,
    DATE: datetime.date.isoformat,
    DECIMAL: str,
    BOOLEAN: bool,
    INTEGER: int,
}


def converter(column: Column):
    """How one column's values are written in JSON Lines (null for empty, ISO 8601 dates, UTC datetimes with
    microseconds), chosen once per column: the exporter calls it for every value of every row."""
    convert = _CONVERTERS.get(column.type, str)
    return lambda value: None if value is None else convert(value)


# A text cell starting with one of these is a formula (or, for tab and carriage return, hides one) to a
# spreadsheet; the apostrophe is the escape itself, so it is escaped too and the rule can always be undone.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
# Types written as text that anyone may have typed; numbers, dates and booleans can never start with these.
ESCAPED_TYPES = frozenset({TEXT, ENTRY_REF, USER_REF, REGION_REF})


def csv_cell(column: Column, text: str) -> str:
    """A value's CSV text (``json_to_csv``), made safe to open in a spreadsheet: a text starting with
    ``= + - @``, a tab, a carriage return or an apostrophe gets one apostrophe in front. Only the CSV files are
    escaped; the JSON Lines files hold every value as it is."""
    if text and column.type in ESCAPED_TYPES and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_value(column: Column, cell: str) -> str:
    """Undoes ``csv_cell``: the text a CSV cell of this column stands for (one leading apostrophe removed)."""
    if column.type in ESCAPED_TYPES and cell.startswith("'"):
        return cell[1:]
    return cell


def json_to_csv(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


DATETIME_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z", re.ASCII)


class BadValue(ValueError):
    pass


def parse(column: Column, value, *, empty_text: bool = False):
    """Read one JSON Lines value back into Python, refusing anything the exporter could not have written.
    ``empty_text``: the column may hold an empty text (``Dataset.holds_empty_text``)."""
    if value is None or (value == "" and column.nullable):
        if not column.nullable:
            raise BadValue(f"{column.name} must not be empty")
        return None
    try:
        if column.type == INTEGER:
            if isinstance(value, bool) or not isinstance(value, int):
                raise BadValue(f"{column.name} must be a whole number, not {value!r}")
            return value
        if column.type == BOOLEAN:
            if not isinstance(value, bool):
                raise BadValue(f"{column.name} must be true or false, not {value!r}")
            return value
        if not isinstance(value, str):
            raise BadValue(f"{column.name} must be text, not {value!r}")
        if column.type == DATE:
            return datetime.date.fromisoformat(value)
        if column.type == DATETIME:
            if not value.endswith("Z"):
                raise BadValue(f"{column.name} must be a UTC date and time ending in Z, not {value!r}")
            # Checked against the one way it is written, then read by fromisoformat (strptime is ten times slower).
            if not DATETIME_TEXT.fullmatch(value):
                raise ValueError(value)
            return datetime.datetime.fromisoformat(value[:-1]).replace(tzinfo=datetime.UTC)
        if column.type == DECIMAL:
            return decimal.Decimal(value)
        if column.type == OBJECT:
            found = json.loads(value)
            if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
                raise BadValue(f"{column.name} must be a JSON object of texts, not {value!r}")
            if object_text(found) != value:
                raise BadValue(f"{column.name} is not written the one way (keys sorted, no spaces): {value!r}")
            return found
        if column.type == JSON:
            found = json.loads(value)
            if json_text(found) != value:
                raise BadValue(f"{column.name} is not written the one way (keys sorted, no spaces): {value!r}")
            return found
    except (ValueError, decimal.InvalidOperation, RecursionError) as exc:
        if isinstance(exc, BadValue):
            raise
        raise BadValue(f"{column.name} is not a valid {column.type}: {value!r}") from exc
    if value == "" and empty_text:
        return value
    if column.choices and value not in column.choices:
        raise BadValue(f"{column.name} {value!r} is not one of {', '.join(column.choices)}")
    is_number = column.type == ENTRY_REF or column.name == "registration_number"
    if is_number and not (value.startswith("SW") and value[2:].isdigit()):
        raise BadValue(f"{column.name} {value!r} is not SW followed by digits")
    return value


def reader(column: Column, *, empty_text: bool = False) -> Callable:
    """``parse`` for one column, chosen once: the values an exporter writes (a number, a text, a date in its one
    form) are read by a test or two; anything else is left to ``parse``, which says what is wrong with it. A
    bundle's every value is read by one of these, so this is where a load spends much of its time."""

    def slow(value):
        return parse(column, value, empty_text=empty_text)

    type_, nullable = column.type, column.nullable
    if type_ == INTEGER:

        def read(value):
            return value if type(value) is int or (value is None and nullable) else slow(value)

    elif type_ == BOOLEAN:

        def read(value):
            return value if type(value) is bool or (value is None and nullable) else slow(value)

    elif type_ == DATE:

        def read(value):
            if type(value) is str and len(value) == 10:
                try:
                    return datetime.date.fromisoformat(value)
                except ValueError:
                    pass
            return None if value is None and nullable else slow(value)

    elif type_ == DATETIME:
        utc, fullmatch = datetime.UTC, DATETIME_TEXT.fullmatch

        def read(value):
            if type(value) is str and fullmatch(value):
                try:
                    return datetime.datetime.fromisoformat(value[:-1]).replace(tzinfo=utc)
                except ValueError:
                    pass
            return None if value is None and nullable else slow(value)

    elif type_ in (TEXT, ENTRY_REF, USER_REF, REGION_REF):
        choices = frozenset(column.choices)
        if type_ == ENTRY_REF or column.name == "registration_number":

            def read(value):
                if type(value) is str and value[:2] == "SW" and value[2:].isdigit() and not choices:
                    return value
                return None if value is None and nullable else slow(value)

        elif choices:

            def read(value):
                if type(value) is str and value in choices:
                    return value
                return None if value is None and nullable else slow(value)

        else:

            def read(value):
                if type(value) is str and value:
                    return value
                return None if value is None and nullable else slow(value)

    else:
        read = slow
    return read


FORMULA_FIRST = frozenset(FORMULA_STARTS)


def csv_writer(column: Column) -> Callable:
    """``csv_cell(column, json_to_csv(value))`` for one column's values once ``reader`` has accepted them (a text
    is a text, a number a number), chosen once: what its CSV cell must hold."""
    if column.type in ESCAPED_TYPES:
        first = FORMULA_FIRST
        return lambda value: "" if value is None else "'" + value if value[:1] in first else value
    if column.type == INTEGER:
        return lambda value: "" if value is None else str(value)
    if column.type in (DATE, DATETIME, OBJECT, JSON, DECIMAL):
        return lambda value: "" if value is None else value
    return lambda value: csv_cell(column, json_to_csv(value))


DATASETS_HEADING = "## Datasets"
TYPE_MEANINGS = {
    TEXT: ("text", "UTF-8 text; an empty text value is an empty string, not null."),
    INTEGER: ("integer", "Whole number, written without separators."),
    DATE: ("date", "ISO 8601 calendar date, YYYY-MM-DD."),
    DATETIME: ("datetime", "UTC date and time, YYYY-MM-DDTHH:MM:SS.ffffffZ (always six decimal places)."),
    BOOLEAN: ("boolean", "`true` or `false` (JSON booleans; the same words in CSV)."),
    DECIMAL: ("decimal", "Decimal number as text, such as 0.50."),
    OBJECT: ("object", "JSON object of texts, written as JSON text with its keys sorted and no spaces."),
    JSON: ("JSON", "Any JSON value, written as JSON text with its objects' keys sorted and no spaces."),
    ENTRY_REF: ("registration number", "SW followed by digits; refers to `register.registration_number`."),
    USER_REF: ("email", "Email address of the person who acted (the successor matches people by email)."),
    REGION_REF: ("region code", "ONS region code; refers to `regions.code`."),
}
