"""Loading a predecessor's bundle: verify it, then load every dataset in one transaction, all or nothing.

Registration numbers, statuses, dates and history are kept as they are in the bundle. So are identifiers, but
for regions and organisations (``format.MAPPED``): the successor already holds its own, so each of the bundle's is
matched (a region by its ONS code, a local authority by its DfE number) or added under a new id of this
service's, and ``TransferredId`` remembers which bundle id it had; every reference to it is translated as it
loads. Exporting again therefore gives the predecessor's files, the successor's own rows apart (they follow the
loaded ones: docs/transfer-format.md, "Identifiers"). Search keys are not in the bundle: they are derived here with the
register's own ``normalise_name``. People named in the bundle (who opened a case, who changed a status) are
matched by email, or recorded as accounts that cannot sign in until someone invites them.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction

from accounts import archives
from accounts.models import Organisation, Region, User
from accounts.services import ServiceError
from regulation.models import NUMBER_BASE, RegisterEntry, RegistrationNumber, TransferredId, normalise_name

from .format import ENTRY_REF, MANIFEST, MAPPED, REGION_REF, USER_REF, Dataset, datasets, parse
from .verify import verify_bundle

BATCH = 1000


class TransferRefused(ServiceError):
    """``fault``: "bundle" when the bundle is wrong (its producer must correct it), "service" when the bundle is
    sound but this service cannot take it (it already holds records of its own)."""

    def __init__(self, problems: list[str], *, fault: str = "bundle"):
        self.problems = problems
        self.fault = fault
        lead = "The bundle was refused: " if fault == "bundle" else "This service cannot take the bundle: "
        super().__init__(lead + " ".join(problems))


def unpack_zip(handle, into: Path) -> None:
    """Only the bundle's own flat file names are taken out of the zip: nothing can be written elsewhere. Its
    directory is checked first (``archives``: sizes and how far each file expands), so a bomb is refused before
    anything is written; a file whose compressed copy is damaged is named."""
    allowed = {MANIFEST, *(name for ds in datasets() for name in ds.files())}
    into.mkdir()
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as exc:
        raise TransferRefused(["The file is not a zip that can be read."]) from exc
    with archive:
        names = archive.namelist()
        strangers = sorted(n for n in names if n not in allowed)
        if strangers:
            raise TransferRefused([f"The zip holds files that are not part of a bundle: {', '.join(strangers[:10])}."])
        try:
            members = archives.inspect(archive, _limits(), label="The bundle")
        except archives.ArchiveRefused as exc:
            raise TransferRefused([str(exc)]) from exc
        for info in members:
            try:
                with open(into / info.filename, "wb") as sink:
                    for block in archives.blocks(archive, info):
                        sink.write(block)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise TransferRefused(
                    [f"{info.filename}: its copy in the zip is damaged and cannot be unpacked ({exc})."]
                ) from exc


def _limits() -> archives.Limits:
    """A bundle's files are CSV and JSON lines, which pack 5 to 20 times; the whole bundle unpacks to at most
    ``TRANSFER_MAX_UNPACKED_BYTES``."""
    total = settings.TRANSFER_MAX_UNPACKED_BYTES
    return archives.Limits(members=len(datasets()) * 2 + 1, member_bytes=total, total_bytes=total, ratio=100)


@contextlib.contextmanager
def opened(path) -> Iterator[Path]:
    """A bundle as a directory: the directory itself, or a zip of one (as downloaded) unpacked for the while."""
    path = Path(path)
    if not path.is_file():
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="transfer-") as work, open(path, "rb") as handle:
        directory = Path(work) / "bundle"
        unpack_zip(handle, directory)
        yield directory


def _raw(directory: Path, ds: Dataset):
    """The rows as JSON gives them, for a look at keys and emails: the bundle is verified already, so a text
    needs no parsing to be read as itself."""
    with open(directory / f"{ds.name}.jsonl", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _rows(directory: Path, ds: Dataset):
    empty = {c.name: ds.holds_empty_text(c) for c in ds.columns}
    with open(directory / f"{ds.name}.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            yield {c.name: parse(c, record[c.name], empty_text=empty[c.name]) for c in ds.columns}


def _not_empty_target() -> list[str]:
    """One sentence saying what this service already holds, if anything, that a bundle's rows could collide with:
    a bundle loads into a service whose register and records are empty (its own regions, organisations and staff
    may be there), and only once."""
    held = []
    for ds in datasets():
        if ds.name in MAPPED:
            continue
        rows = (ds.rows() if ds.rows else ds.model._default_manager.all()).count()
        if rows:
            meta = ds.model._meta
            held.append(f"{rows:,} {meta.verbose_name if rows == 1 else meta.verbose_name_plural}")
    earlier = TransferredId.objects.order_by("loaded_at").values_list("loaded_at", flat=True).first()
    if not held and earlier is None:
        return []
    if held:
        if len(held) > 4:
            held = [*held[:3], f"{len(held) - 3} other kinds of record"]
        listed = held[0] if len(held) == 1 else f"{', '.join(held[:-1])} and {held[-1]}"
        what = f"This service already holds records of its own ({listed})"
    else:
        what = f"A bundle was already loaded into this service on {earlier:%-d %B %Y}"
    return [
        f"{what}, and a bundle loads only into a service whose register, cases, courses, accreditation and "
        "early-career records are empty (its own regions, organisations and staff accounts may be there). The "
        "bundle itself may be sound; nothing was loaded."
    ]


def _resolved(directory: Path) -> dict[tuple[str, str], dict]:
    """Keys of other apps' reference data (a programme's code) mapped to this service's ids by those apps."""
    found: dict[tuple[str, str], dict] = {}
    for ds in datasets():
        columns = [c for c in ds.columns if c.resolve]
        if not columns:
            continue
        values: dict[str, set] = {c.name: set() for c in columns}
        for row in _raw(directory, ds):
            for c in columns:
                if row[c.name] is not None:
                    values[c.name].add(row[c.name])
        for c in columns:
            mapping = c.resolve(values[c.name])
            unknown = sorted(values[c.name] - set(mapping))
            if unknown:
                raise TransferRefused(
                    [f"{ds.name}.jsonl: {c.name} {', '.join(map(str, unknown))} is not known to this service."]
                )
            found[(ds.name, c.name)] = mapping
    return found


def import_bundle(directory, *, progress=None) -> dict[str, int]:
    directory = Path(directory)
    report = verify_bundle(directory)
    if not report.ok:
        raise TransferRefused(report.problems)
    if report.manifest.get("kind") != "full":
        raise TransferRefused(["Only a full bundle can be loaded; this one holds changes since a date."])
    with transaction.atomic():
        problems = _not_empty_target()
        if problems:
            raise TransferRefused(problems, fault="service")
        loaded = _load(directory, progress)
        _reset_sequences()
    return loaded


def _users(directory: Path) -> dict[str, int]:
    emails: set[str] = set()
    for ds in datasets():
        columns = [c for c in ds.columns if c.type == USER_REF]
        if columns:
            for row in _raw(directory, ds):
                emails.update(row[c.name] for c in columns if row[c.name])
    known = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    for email in sorted(emails - set(known)):
        # Named in the predecessor's history; can sign in only once invited (no usable password, inactive).
        known[email] = User.objects.create_user(email, password=None, is_active=False).pk
    return known


def _load(directory: Path, progress) -> dict[str, int]:
    users = _users(directory)
    resolved = _resolved(directory)
    regions = dict(Region.objects.values_list("code", "pk"))
    ids: dict[str, dict[int, int]] = {name: {} for name in MAPPED}  # bundle id → id here
    entries: dict[str, int] = {}
    loaded: dict[str, int] = {}
    for ds in datasets():
        model = ds.model
        batch, numbers, count = [], [], 0
        for row in _rows(directory, ds):
            values = {}
            for column in ds.columns:
                value = row[column.name]
                target = ds.refers_to(column)
                if column.name != "id" and target in ids:
                    value = ids[target][value] if value is not None else None
                elif column.type == USER_REF:
                    value = users[value] if value else None
                elif column.resolve:
                    value = resolved[(ds.name, column.name)][value] if value is not None else None
                elif column.type == ENTRY_REF:
                    value = entries[value]
                elif column.type == REGION_REF:
                    if value is not None and value not in regions:
                        raise TransferRefused([f"{ds.name}.jsonl: region {value} is not known to this service."])
                    value = regions.get(value) if value else None
                values[column.target] = value
            if ds.name == "regions":
                ids[ds.name][values["id"]] = regions[values["code"]] = _region(values)
                count += 1
                continue
            if ds.name == "organisations":
                ids[ds.name][values["id"]] = _organisation(values)
                count += 1
                continue
            if ds.name == "register":
                number = values["registration_number"]
                serial = int(number[2:]) - NUMBER_BASE
                if serial < 1:
                    raise TransferRefused(
                        [f"register.jsonl: registration number {number} is below SW{NUMBER_BASE + 1}."]
                    )
                numbers.append(RegistrationNumber(pk=serial, allocated_at=values.pop("number_allocation")))
                values["number_allocation_id"] = serial
                entries[number] = values["id"]
                instance = RegisterEntry(**values)
                # The search keys RegisterEntry.save derives, derived the same way for a bulk insert.
                instance.surname_key = normalise_name(instance.last_name)
                instance.name_key = normalise_name(f"{instance.first_name} {instance.last_name}")
            else:
                instance = model(**values)
            batch.append(instance)
            count += 1
            if len(batch) >= BATCH:
                _insert(model, batch, numbers)
                if progress:
                    progress(ds.name, count)
        if batch:
            _insert(model, batch, numbers)
        if ds.name in ids:
            TransferredId.objects.bulk_create(
                TransferredId(dataset=ds.name, bundle_id=bundle_id, local_id=local_id)
                for bundle_id, local_id in ids[ds.name].items()
            )
        loaded[ds.name] = count
        if progress:
            progress(ds.name, count)
    return loaded


def _insert(model, batch: list, numbers: list) -> None:
    if numbers:
        RegistrationNumber.objects.bulk_create(numbers)
        numbers.clear()
    model._default_manager.bulk_create(batch)
    batch.clear()


def _region(values: dict) -> int:
    """A region is the same region wherever its ONS code is: the successor's own is kept, any other added."""
    existing = Region.objects.filter(code=values["code"]).values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    return Region.objects.create(**{k: v for k, v in values.items() if k != "id"}).pk


def _organisation(values: dict) -> int:
    """The bundle's organisation, under an id of this service's. A local authority the successor already holds
    (the same DfE number) is that one, kept as it is, so long as it has the same name; any other organisation is
    added, never merged with one of the successor's by name."""
    if values["la_number"]:
        existing = Organisation.objects.filter(la_number=values["la_number"]).first()
        if existing is not None:
            if existing.name != values["name"]:
                raise TransferRefused(
                    [
                        f"organisations.jsonl: local authority {values['la_number']} is “{values['name']}” in the "
                        f"bundle but “{existing.name}” here."
                    ]
                )
            return existing.pk
    return Organisation.objects.create(**{k: v for k, v in values.items() if k != "id"}).pk


def _reset_sequences() -> None:
    """Identifiers were given explicitly, so the sequences must move past them (PostgreSQL)."""
    models = [RegistrationNumber, *(ds.model for ds in datasets())]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
