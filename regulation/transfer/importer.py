"""Loading a predecessor's bundle in one transaction, all or nothing: its manifest first, then every dataset's rows
checked (as ``verify_bundle`` checks them) and loaded in the same reading, on PostgreSQL with COPY (``copy_in``) and
elsewhere with the ORM's bulk inserts, while the files' checksums are worked out beside them (``verify.Checksums``).
A problem found midway rolls the load back.

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
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.color import no_style
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from accounts import archives
from accounts import selectors as accounts_selectors
from accounts import services as accounts_services
from accounts.services import ServiceError
from regulation.models import NUMBER_BASE, RegisterEntry, RegistrationNumber, TransferredId, normalise_name

from . import copy_in, empty_tables
from .format import (
    ENTRY_REF,
    MANIFEST,
    MAPPED,
    REGION_REF,
    USER_REF,
    Column,
    Dataset,
    datasets,
    reader,
)
from .verify import Checksums, Report, Rows, check_files

BATCH = 1000  # rows inserted at a time by the ORM, and between reports of progress
COPY = True  # on PostgreSQL, load with COPY (``copy_in``); False loads the portable way there too (tests compare)


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


def import_bundle(directory, *, progress=None) -> dict[str, int]:
    """Check the bundle and load it, all or nothing: the manifest and its list of files first, then each
    dataset's rows checked and loaded in one reading (``verify.Rows``), so a problem found on the way ends the load
    with every problem in that file named and nothing kept (the transaction is rolled back). Every file's checksum
    is checked meanwhile (``verify.Checksums``); a wrong one refuses the bundle on its own, as if found first."""
    directory = Path(directory)
    report = Report()
    manifest = check_files(directory, report, checksums=False)
    if manifest is None:
        raise TransferRefused(report.problems)
    if manifest.get("kind") != "full":
        raise TransferRefused(["Only a full bundle can be loaded; this one holds changes since a date."])
    # The files' checksums are worked out while the rows are read and loaded, and held before anything else: a
    # file whose checksum is wrong refuses the bundle (naming that file, whatever else was found) before the
    # load can be kept.
    checksums = Checksums(directory, manifest["files"])
    try:
        return _import(directory, manifest, report, checksums, progress)
    except Exception as exc:
        if wrong := checksums.problems():  # whatever a file with the wrong checksum made go wrong
            raise TransferRefused(wrong) from exc
        raise
    finally:
        checksums.problems()  # the second thread has ended, whatever happened


def _import(directory: Path, manifest: dict, report: Report, checksums: Checksums, progress) -> dict[str, int]:
    with transaction.atomic():
        filled = _filled_by_copy()
        if connection.vendor == "postgresql":
            _lock_for_load(filled)
        from .selectors import records_held_here  # the transfer pages' selectors import this module

        problems = records_held_here()
        if problems:
            raise TransferRefused(problems, fault="service")
        aside = empty_tables.set_aside(filled, rows=_rows_by_table(manifest["files"])) if filled else None
        loaded = _Load(directory, manifest["files"], report, progress, aside, checksums).run()
        if wrong := checksums.problems():
            raise TransferRefused(wrong)
        if aside is not None:
            _put_back(aside)
        _reset_sequences()
        for ds in datasets():
            if ds.after_load is not None:
                ds.after_load()
    return loaded


def _filled_by_copy() -> list[str]:
    """The tables a load fills with COPY into empty tables (none but on PostgreSQL): every dataset's but the mapped
    ones (regions, organisations: the successor's own are there), the shifted ones (loaded beside the successor's
    own rows) and the busy ones (``Dataset.busy``), and the registration numbers the register's rows bring."""
    if not use_copy():
        return []
    tables = [
        ds.model._meta.db_table
        for ds in datasets()
        if ds.name not in MAPPED and not ds.shifted and not ds.busy and _copyable(ds)
    ]
    return sorted({*tables, RegistrationNumber._meta.db_table})


def _rows_by_table(files: dict) -> dict[str, int]:
    """How many rows the bundle gives each table, by its manifest (the files' rows are checked against it as they
    are read): a dataset's own, and the register's for the registration numbers its entries bring."""
    rows: dict[str, int] = {}
    for ds in datasets():
        said = files[f"{ds.name}.jsonl"].get("rows")
        count = said if type(said) is int else 0
        for table in _tables_filled(ds):
            rows[table] = rows.get(table, 0) + count
    return rows


def _lock_for_load(filled: list[str]) -> None:
    """``empty_tables.lock_for_load``: every table filled with COPY, or (loaded the portable way) the register
    alone, which serialises loads. A service too busy with them for ``LOCK_WAIT`` refuses the load, nothing
    changed."""
    try:
        with transaction.atomic():
            if filled:
                empty_tables.lock_for_load(filled, exclusive=True)
            else:
                empty_tables.lock_for_load([RegisterEntry._meta.db_table], exclusive=False)
    except OperationalError as exc:
        raise TransferRefused(
            [
                f"The service was too busy with its register to start the load (it waited {empty_tables.LOCK_WAIT}). "
                "Nothing was loaded; try again when fewer people are using it."
            ],
            fault="service",
        ) from exc


def _put_back(aside: empty_tables.SetAside, *, unfinished: set[str] | None = None) -> None:
    """``empty_tables.put_back`` (or, given the tables the load still fills, ``put_back_ready``); a key it finds
    broken (a reference the checks before it let through) refuses the bundle with the database's own words,
    nothing kept."""
    try:
        with transaction.atomic():
            if unfinished is None:
                empty_tables.put_back(aside)
            else:
                empty_tables.put_back_ready(aside, unfinished)
    except IntegrityError as exc:
        diag = getattr(exc.__cause__, "diag", None)  # psycopg2's error, under Django's
        message = (getattr(diag, "message_primary", None) or str(exc)).strip()
        detail = (getattr(diag, "message_detail", None) or "").strip()
        raise TransferRefused(
            [f"This service's database refused the bundle's references ({message}{': ' + detail if detail else ''})."]
        ) from exc


def use_copy() -> bool:
    """Whether datasets are loaded with PostgreSQL's COPY (``copy_in``) rather than the ORM's bulk inserts."""
    return connection.vendor == "postgresql" and COPY


class _Load:
    """Every dataset in turn, as ``verify.Rows`` gives its sound rows: references translated (a region by its code,
    an organisation to its id here, a person by email, a registration number to its entry, another app's key
    through that app), then inserted by COPY (PostgreSQL) or by the ORM in batches (``BATCH`` rows)."""

    def __init__(self, directory: Path, files: dict, report: Report, progress, aside=None, checksums=None):
        self.directory, self.files, self.report, self.progress = directory, files, report, progress
        self.checksums: Checksums | None = checksums  # a wrong one found ends the load there
        # What ``empty_tables.set_aside`` took off the tables filled with COPY, put back for the tables finished
        # so far while the next large dataset is read (``_meanwhile``), the rest at the end; and the tables
        # still to be filled (``put_back_ready``).
        self.aside: empty_tables.SetAside | None = aside
        self.unfinished: set[str] = set()
        self.users: dict[str, int] = {}
        self.regions = accounts_selectors.region_ids()
        self.ids: dict[str, dict[int, int]] = {name: {} for name in MAPPED}  # bundle id → id here
        self.entries: dict[str, int] = {}  # registration number → entry id
        self.resolved: dict[tuple[str, str], dict] = {}
        self.unknown: dict[tuple[str, str], dict] = {}  # a key this service does not hold → the row naming it
        self.keys: dict[str, set] = {}
        self.numbers: set[str] = set()
        self.shifts: dict[str, int] = {}  # for a ``Dataset.shifted`` dataset: what is added to each bundle id
        self.now = timezone.now()

    def run(self) -> dict[str, int]:
        loaded: dict[str, int] = {}
        order = datasets()
        for at, ds in enumerate(order):
            self.unfinished = {table for later in order[at:] for table in _tables_filled(later)}
            if ds.shifted:
                self.shifts[ds.name] = _highest_id(ds.model)
            by_copy = ds.name not in MAPPED and use_copy() and _copyable(ds)
            readers = [self._copy_reader(ds, c) for c in ds.columns] if by_copy else None
            lines = copy_in.line_parser(ds, empty_text=ds.holds_empty_text) if by_copy else None
            rows = Rows(
                self.directory,
                ds,
                self.files,
                self.report,
                self.numbers,
                references=self.keys,
                readers=readers,
                lines=lines,
            )
            sound = self._sound(ds, rows)
            if ds.name in MAPPED:
                self._load_mapped(ds, sound)
            elif by_copy:
                self._copy(ds, sound)
            else:
                self._insert(ds, sound)
            for (name, column), keys in self.unknown.items():
                if name == ds.name:
                    for key, row in sorted(keys.items(), key=lambda item: item[1]):
                        self.report.problems.append(
                            f"{name}.jsonl row {row}: {column} {key} is not known to this service."
                        )
            if ds.shifted and rows.ids and not self.report.problems:
                top = max(rows.ids)
                TransferredId.objects.create(dataset=ds.name, bundle_id=top, local_id=top + self.shifts[ds.name])
            self.keys[ds.name] = rows.ids
            loaded[ds.name] = rows.count
            if self.progress:
                self.progress(ds.name, rows.count)
            if self.checksums is not None and (wrong := self.checksums.found()):
                raise TransferRefused(wrong)
        if self.report.problems:
            raise TransferRefused(self.report.problems)
        return loaded

    def _sound(self, ds: Dataset, rows: Rows):
        """The sound rows as ``(raw, values)``, and ``PAUSE`` before one that needs the database (a person or a
        key not met before), which is looked up as the next item is asked for. Nothing is given once anything is
        wrong (in any file): the rows are still read, to name every problem, but not loaded."""
        users = [i for i, c in enumerate(ds.columns) if c.type == USER_REF]
        keyed = [(i, c, self._resolved(ds, c)) for i, c in enumerate(ds.columns) if c.resolve]
        unknown = [self.unknown[(ds.name, c.name)] for _, c, _ in keyed]
        return self._sound_rows(ds, rows, users, keyed, unknown)

    def _sound_rows(self, ds: Dataset, rows: Rows, users: list[int], keyed: list, unknown: list[dict]):
        problems, known = self.report.problems, self.users
        if not users and not keyed:  # nothing to look up (most datasets)
            for row in rows:
                if not problems:
                    yield row
            return
        for raw, values in rows:
            if problems or (keyed and any(unknown)):
                continue
            if not keyed:  # most rows name people already met: given without building the lists below
                for i in users:
                    if raw[i] and raw[i] not in known:
                        break
                else:
                    yield raw, values
                    continue
            emails = [raw[i] for i in users if raw[i] and raw[i] not in known]
            keys = keyed and [(c, found, raw[i]) for i, c, found in keyed if raw[i] is not None and raw[i] not in found]
            if emails or keys:
                yield copy_in.PAUSE
                self._look_up(ds, emails, keys, rows.count)
                if any(unknown):
                    continue
            yield raw, values

    def _resolved(self, ds: Dataset, column: Column) -> dict:
        self.unknown.setdefault((ds.name, column.name), {})
        return self.resolved.setdefault((ds.name, column.name), {})

    def _look_up(self, ds: Dataset, emails: list[str], keys: list[tuple[Column, dict, object]], row: int) -> None:
        if emails:
            # Named in the predecessor's history: matched, or made as accounts that can sign in only once invited.
            self.users.update(accounts_services.people_named_in_transfer(emails=set(emails)))
        for column, found, key in keys:
            found.update(column.resolve({key}))
            if key not in found:
                self.unknown[(ds.name, column.name)].setdefault(key, row)

    def _reference(self, ds: Dataset, column: Column) -> Callable | None:
        """How a column's value becomes the value stored here, or None if it is stored as it is."""
        target = ds.refers_to(column)
        if column.name == "id" and ds.shifted:
            shift = self.shifts[ds.name]
            return lambda value: value + shift
        if column.name != "id" and target in self.ids:
            mapped = self.ids[target]
            return lambda value: None if value is None else mapped[value]
        if column.type == USER_REF:
            users = self.users
            return lambda value: users[value] if value else None
        if column.resolve:
            found = self._resolved(ds, column)
            return lambda value: None if value is None else found[value]
        if column.type == ENTRY_REF:
            entries = self.entries
            if not column.nullable:
                return entries.__getitem__
            return lambda value: None if value is None else entries[value]
        if column.type == REGION_REF:
            regions = self.regions

            def region(value):
                if value is not None and value not in regions:
                    raise TransferRefused([f"{ds.name}.jsonl: region {value} is not known to this service."])
                return regions.get(value) if value else None

            return region
        return None

    # --- The portable way: the ORM -------------------------------------------------------------------------------

    def _load_mapped(self, ds: Dataset, rows) -> None:
        convert = [(c.target, self._reference(ds, c)) for c in ds.columns]
        add = _region if ds.name == "regions" else _organisation
        for row in rows:
            if row is copy_in.PAUSE:
                continue
            values = {t: v if f is None else f(v) for (t, f), v in zip(convert, row[1], strict=True)}
            self.ids[ds.name][values["id"]] = local = add(values)
            if ds.name == "regions":
                self.regions[values["code"]] = local
        TransferredId.objects.bulk_create(
            TransferredId(dataset=ds.name, bundle_id=bundle_id, local_id=local_id)
            for bundle_id, local_id in self.ids[ds.name].items()
        )

    def _insert(self, ds: Dataset, rows) -> None:
        model = ds.model
        convert = [(c.target, self._reference(ds, c)) for c in ds.columns]
        register = ds.name == "register"
        batch, numbers, count = [], [], 0
        for row in rows:
            if row is copy_in.PAUSE:
                continue
            values = {t: v if f is None else f(v) for (t, f), v in zip(convert, row[1], strict=True)}
            if register:
                number = values["registration_number"]
                serial = _serial(number)
                numbers.append(RegistrationNumber(pk=serial, allocated_at=values.pop("number_allocation")))
                values["number_allocation_id"] = serial
                self.entries[number] = values["id"]
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
                if self.progress:
                    self.progress(ds.name, count)
        if batch:
            _insert(model, batch, numbers)

    # --- PostgreSQL: COPY ----------------------------------------------------------------------------------------

    def _copy_reader(self, ds: Dataset, column: Column) -> Callable:
        """How a column's value is read for COPY: checked as ``format.reader`` checks it and given as COPY's text,
        in one call (a reference is given as it is, and translated as its line is made)."""
        read = reader(column, empty_text=ds.holds_empty_text(column))
        if self._reference(ds, column) is not None:
            return read
        return copy_in.reader(column, read)

    def _copy(self, ds: Dataset, rows) -> None:
        references, known = [], []  # (column, translation); (column, the COPY text of each value, kept)
        for i, c in enumerate(ds.columns):
            translate = self._reference(ds, c)
            if translate is None:
                continue
            if c.type == USER_REF or c.resolve or (c.name != "id" and ds.refers_to(c) in self.ids):
                known.append((i, _CopyTexts(translate).__getitem__))  # people, organisations, keys: few
            else:
                references.append((i, translate))
        fields = [c.target for c in ds.columns]
        register = ds.name == "register"
        numbers: list[str] = []
        if register:
            at = {c.name: i for i, c in enumerate(ds.columns)}
            allocated, first, last = at["number_allocated_at"], at["first_name"], at["last_name"]
            number_at, id_at = at["registration_number"], at["id"]
            fields[allocated] = "number_allocation_id"
            fields += ["surname_key", "name_key"]
        table = copy_in.Table(ds.model, fields, now=self.now)
        null, text, entries = copy_in.NULL, copy_in.text, self.entries
        name_keys = _NameKeys()

        def lines():
            for row in rows:
                if row is copy_in.PAUSE:
                    yield row
                    continue
                raw, cells = row  # the values as COPY's text already, but for references
                for i, text_of in known:
                    cells[i] = text_of(raw[i])
                for i, translate in references:
                    cells[i] = null if (local := translate(raw[i])) is None else str(local)
                if register:
                    number = raw[number_at]
                    serial = _serial(number)
                    numbers.append(f"{serial}\t{cells[allocated]}")
                    cells[allocated] = str(serial)
                    entries[number] = raw[id_at]
                    surname_key, whole_key = name_keys(raw[first], raw[last])
                    cells.append(text(surname_key))
                    cells.append(text(whole_key))
                yield "\t".join(cells)

        with connection.cursor() as cursor:
            if register:
                # The entries go in before their numbers (read from the same rows): their references are checked
                # at the end of the transaction, as Django makes them, even where a caller asked for them at once.
                empty_tables.defer_checks_on([ds.model._meta.db_table])
            on_rows = (lambda n: self.progress(ds.name, n)) if self.progress else None
            try:
                copy_in.copy(cursor.cursor, table, lines(), batch=BATCH, on_rows=on_rows, meanwhile=self._meanwhile(ds))
                if numbers:
                    numbered = copy_in.Table(RegistrationNumber, ["id", "allocated_at"], now=self.now)
                    copy_in.copy(cursor.cursor, numbered, iter(numbers), batch=len(numbers))
            except copy_in.Refused as exc:
                where = f" row {exc.row}" if exc.row else ""
                raise TransferRefused(
                    [f"{ds.name}.jsonl{where}: this service's database cannot store it ({exc.message})."]
                ) from exc

    def _put_back_finished(self) -> None:
        """What was set aside on the tables this load gives no more rows, put back while this dataset's first
        lines are read (``copy_in.read_ahead``); nothing once the bundle is known to be refused."""
        if self.aside is not None and not self.report.problems:
            _put_back(self.aside, unfinished=self.unfinished)

    def _meanwhile(self, ds: Dataset) -> Callable[[], None] | None:
        """``_put_back_finished`` while a dataset of many rows is read (a few would leave the database working
        alone), else nothing: what was finished waits for the next one, or the end."""
        rows = self.files[f"{ds.name}.jsonl"].get("rows")
        return self._put_back_finished if type(rows) is int and rows >= empty_tables.SET_ASIDE_FROM_ROWS else None


def _tables_filled(ds: Dataset) -> set[str]:
    """The tables a dataset's rows go into: its model's, and the registration numbers' for the register's."""
    tables = {ds.model._meta.db_table}
    if ds.name == "register":
        tables.add(RegistrationNumber._meta.db_table)
    return tables


class _CopyTexts(dict):
    """COPY's text of each value's translation here (``NULL`` for none), kept once made: a person, an organisation
    or a key recurs row after row, and a lookup in this dictionary is cheaper than translating it again. Only
    for values that are few (not registration numbers, as many as the register's entries)."""

    def __init__(self, translate: Callable):
        super().__init__()
        self.translate = translate

    def __missing__(self, value) -> str:
        local = self.translate(value)
        text = self[value] = copy_in.NULL if local is None else str(local)
        return text


class _NameKeys:
    """An entry's search keys, as ``RegisterEntry.save`` derives them: ``(surname_key, name_key)`` from its first
    and last names. Names recur through a register (a few thousand first names among a hundred thousand
    entries), so each name's ``normalise_name`` is remembered (at most ``KEEP`` at once, so memory stays bounded)
    and the whole name's key is made from its parts': ``normalise_name`` works character by character and then
    joins the words with single spaces, so the key of "first last" is the two keys joined by a space (or the
    one that is not empty). Deriving both keys anew for every entry cost the load a tenth of its Python time."""

    KEEP = 50_000

    def __init__(self):
        self.known: dict[str, str] = {}

    def __call__(self, first: str, last: str) -> tuple[str, str]:
        forename, surname = self.key(first), self.key(last)
        return surname, f"{forename} {surname}" if forename and surname else forename or surname

    def key(self, name: str) -> str:
        key = self.known.get(name)
        if key is None:
            if len(self.known) >= self.KEEP:
                self.known.clear()
            key = self.known[name] = normalise_name(name)
        return key


def _copyable(ds: Dataset) -> bool:
    """Whether COPY can give the dataset's table every column (``copy_in.Unsupported`` says why not)."""
    try:
        copy_in.Table(ds.model, [c.target for c in ds.columns], now=timezone.now())
    except copy_in.Unsupported:
        return False
    return True


def _highest_id(model) -> int:
    """The highest id a table holds (0 if none): a shifted dataset's rows load above it."""
    from django.db.models import Max

    return model._default_manager.order_by().aggregate(top=Max("pk"))["top"] or 0


def _serial(number: str) -> int:
    serial = int(number[2:]) - NUMBER_BASE
    if serial < 1:
        raise TransferRefused([f"register.jsonl: registration number {number} is below SW{NUMBER_BASE + 1}."])
    return serial


def _insert(model, batch: list, numbers: list) -> None:
    if numbers:
        RegistrationNumber.objects.bulk_create(numbers)
        numbers.clear()
    model._default_manager.bulk_create(batch)
    batch.clear()


def _region(values: dict) -> int:
    """A region is the same region wherever its ONS code is: the successor's own is kept, any other added."""
    return accounts_services.region_from_transfer(code=values["code"], name=values["name"])


def _organisation(values: dict) -> int:
    """The bundle's organisation, under an id of this service's (``accounts.services.organisation_from_transfer``:
    a local authority held already is matched by its DfE number and name, any other organisation added)."""
    try:
        return accounts_services.organisation_from_transfer(**{k: v for k, v in values.items() if k != "id"})
    except accounts_services.TransferClash as exc:
        raise TransferRefused([f"organisations.jsonl: {exc}"]) from exc


def _reset_sequences() -> None:
    """Identifiers were given explicitly, so the sequences must move past them (PostgreSQL)."""
    models = [RegistrationNumber, *(ds.model for ds in datasets())]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
