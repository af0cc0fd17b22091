"""Checking a bundle before anyone trusts it: every file there, counts and checksums as the manifest says, a
schema version we know, every row well formed, no registration number twice, every reference resolvable.

``verify_bundle`` returns the problems as sentences naming the file, the row and the column; none means the
bundle is sound. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from accounts import safe_json

from .format import (
    ENTRY_REF,
    FORMULA_FIRST,
    MANIFEST,
    SCHEMA_VERSION,
    BadValue,
    Dataset,
    csv_cell,
    csv_writer,
    datasets,
    json_to_csv,
    reader,
)

MAX_PROBLEMS_PER_FILE = 20
# A bundle's manifest and each of its JSON lines are a few kilobytes; none is read beyond these.
MANIFEST_MAX_BYTES = 1024 * 1024
LINE_MAX_BYTES = 1024 * 1024
# A sound row's CSV cell is no longer than its JSON line, which may be up to LINE_MAX_BYTES: csv's own limit (128 KiB
# a cell, for the whole process) would refuse a long text (a case's concern) that the exporter wrote. Raised, never
# lowered, so another reader in the process keeps at least what it had.
csv.field_size_limit(max(csv.field_size_limit(), LINE_MAX_BYTES))


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    manifest: dict | None = None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Path, report: Report) -> dict | None:
    path = directory / MANIFEST
    if not path.is_file():
        report.problems.append(f"{MANIFEST} is missing: the bundle is incomplete or not a transfer bundle.")
        return None
    try:
        manifest = safe_json.loads(path.read_bytes(), max_bytes=MANIFEST_MAX_BYTES)
    except safe_json.UnsafeJSON as exc:
        report.problems.append(f"{MANIFEST} cannot be read: {exc}")
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        report.problems.append(f"{MANIFEST} has no list of files.")
        return None
    from .format import KNOWN_SCHEMA_VERSIONS

    version = manifest.get("schema_version")
    if version not in KNOWN_SCHEMA_VERSIONS:
        known = ", ".join(sorted(KNOWN_SCHEMA_VERSIONS))
        report.problems.append(f"Unknown schema version {version!r} in {MANIFEST}: this service reads version {known}.")
        return None
    return manifest


def check_files(directory: Path, report: Report, *, checksums: bool = True) -> dict | None:
    """The manifest, and every file it should list there with its checksum: the manifest if all is well, else None
    with the problems in ``report``. Nothing is read row by row yet. ``checksums=False``: the files' checksums
    are left to the caller (``Checksums``)."""
    manifest = read_manifest(directory, report)
    if manifest is None:
        return None
    report.manifest = manifest
    files = manifest["files"]
    for ds in datasets():
        for name in ds.files():
            entry = files.get(name)
            path = directory / name
            if entry is None:
                report.problems.append(f"{MANIFEST} does not list {name}.")
            elif not isinstance(entry, dict):
                report.problems.append(f"{MANIFEST}: the entry for {name} is not an object (rows, sha256).")
            elif not path.is_file():
                report.problems.append(f"{name} is missing.")
            elif checksums and sha256_of(path) != entry.get("sha256"):
                report.problems.append(_wrong_checksum(name))
    for name in sorted(set(files) - {n for ds in datasets() for n in ds.files()}):
        report.problems.append(f"{MANIFEST} lists {name}, which is not part of schema version {SCHEMA_VERSION}.")
    return None if report.problems else manifest


def _wrong_checksum(name: str) -> str:
    return f"{name}: wrong checksum (its SHA-256 is not the one in {MANIFEST})."


class Checksums:
    """Every file's SHA-256 held against the manifest's (as ``check_files`` holds them), worked out in a second
    thread while the caller reads the rows: hashlib lets go of the interpreter while it hashes, so the two go on
    at once. ``problems()`` waits for it and names each file whose checksum is wrong; a caller that has read and
    kept rows meanwhile must undo them if there is any (the importer's transaction)."""

    def __init__(self, directory: Path, files: dict):
        self._problems: list[str] = []
        self._names = [name for ds in datasets() for name in ds.files()]
        self._checked = 0
        self._thread = threading.Thread(
            target=self._check, args=(directory, files), name="transfer-checksums", daemon=True
        )
        self._thread.start()

    def _check(self, directory: Path, files: dict) -> None:
        try:
            for name in self._names:
                try:
                    wrong = sha256_of(directory / name) != files[name].get("sha256")
                except OSError as exc:
                    self._problems.append(f"{name} cannot be read ({exc.strerror or exc}).")
                else:
                    if wrong:
                        self._problems.append(_wrong_checksum(name))
                self._checked += 1
        except BaseException as exc:  # said by ``problems``: a file left unchecked is never taken as sound
            self._problems.append(f"The files' checksums could not all be worked out ({exc}).")

    def found(self) -> list[str]:
        """The problems found so far, without waiting."""
        return list(self._problems)

    def problems(self) -> list[str]:
        """Every problem, once every file has been checked."""
        self._thread.join()
        if self._checked < len(self._names) and not self._problems:
            self._problems.append("The files' checksums could not all be worked out.")
        return self._problems


def verify_bundle(directory) -> Report:
    directory = Path(directory)
    report = Report()
    manifest = check_files(directory, report)
    if manifest is None:
        return report
    keys: dict[str, set] = {}
    numbers: set[str] = set()
    for ds in datasets():
        rows = Rows(directory, ds, manifest["files"], report, numbers)
        for _ in rows:
            pass
        keys[ds.name] = rows.ids
        report.rows[ds.name] = rows.count
    if report.problems or manifest.get("kind") != "full":
        return report
    _check_references(directory, keys, numbers, report)
    return report


class Rows:
    """One dataset's rows, checked as they are read: the JSON Lines and the CSV side by side, each row well formed
    and both files saying the same. Iterating gives each sound row as ``(raw, values)``: its JSON values in column
    order and the same read into Python (``format.reader``), so a loader reads every value once, as it is checked.
    Problems go into ``report`` (at most ``MAX_PROBLEMS_PER_FILE`` a file); a row with one is not given.

    ``references``: the ids of the datasets above this one (all of them read by now), for checking this dataset's
    references row by row as well (``_check_references`` checks a whole bundle's afterwards); ``numbers``: the
    register's registration numbers, gathered as the register is read."""

    def __init__(
        self,
        directory: Path,
        ds: Dataset,
        files: dict,
        report: Report,
        numbers: set[str],
        references: dict[str, set] | None = None,
        readers: list | None = None,
        lines=None,
    ):
        self.directory, self.ds, self.files, self.report, self.numbers = directory, ds, files, report, numbers
        self.references = references
        # ``copy_in.LineParser`` (a loader by COPY gives it, with ``readers`` that give COPY's text): a line
        # written the exporter's one way is matched whole together with its CSV row; any other line is read
        # value by value as without it.
        self.lines = lines
        # How each column's values are read (``format.reader`` unless a loader gives its own, equally strict).
        self.readers = readers or [reader(c, empty_text=ds.holds_empty_text(c)) for c in ds.columns]
        self.ids: set = set()
        self.count = 0

    def __iter__(self):
        self.found, self.stopped = 0, False
        yield from self._rows()
        if self.stopped:
            return
        for name in self.ds.files():
            said = self.files[name].get("rows")
            if said != self.count:
                self._problem(f"{name}: {MANIFEST} says {said} rows but the file has {self.count}.")

    def _problem(self, text: str) -> None:
        self.report.problems.append(text)
        self.found += 1

    def _stop(self) -> None:
        """Stop reading this file: the problems found are enough (or it cannot be read on)."""
        self.stopped = True

    def _rows(self):
        ds, numbers, ids = self.ds, self.numbers, self.ids
        jsonl_name, csv_name = f"{ds.name}.jsonl", f"{ds.name}.csv"
        names = ds.column_names
        readers = self.readers
        first = FORMULA_FIRST
        cells = [csv_writer(c) for c in ds.columns]
        at_id = names.index("id")
        at_number = names.index("registration_number") if ds.name == "register" else None
        checks = self._reference_checks()
        too_many = MAX_PROBLEMS_PER_FILE
        loads, unsafe, line_max = safe_json.loads, safe_json.UnsafeJSON, LINE_MAX_BYTES
        parser = self.lines
        if parser is not None:
            pair, null, integers, booleans = parser.pair, parser.null, parser.integers, parser.booleans
        with (
            open(self.directory / jsonl_name, encoding="utf-8", newline="") as jsonl,
            open(self.directory / csv_name, encoding="utf-8", newline="") as csv_file,
        ):
            csv_lines = _PhysicalLines(csv_file)
            reader_ = csv.reader(csv_lines)
            try:
                header = next(reader_, None)
            except csv.Error as exc:
                self._problem(f"{csv_name}: the header row cannot be read as CSV ({exc}).")
                return self._stop()
            if header != names:
                self._problem(f"{csv_name}: the header row should be {','.join(names)}.")
                return self._stop()
            read_line, read_csv_line = jsonl.readline, csv_file.readline
            count = 0
            # No line is read beyond LINE_MAX_BYTES: a longer one comes in pieces, each refused as JSON.
            while line := read_line(line_max + 1):
                count += 1
                self.count = count
                values = None
                if parser is not None and len(line) <= line_max:
                    # The JSON line and its CSV row in one match (``copy_in.LineParser``); anything else is read
                    # value by value and the CSV row parsed and compared cell by cell below, as without a parser.
                    csv_line = read_csv_line()
                    found = pair(line + csv_line)
                    if found is not None:
                        raw, values = list(found.groups()), list(found.groups(null))
                        for i in integers:
                            if raw[i] is not None:
                                raw[i] = int(raw[i])
                        for i in booleans:
                            if raw[i] is not None:
                                raw[i] = raw[i] == "true"
                                values[i] = "t" if raw[i] else "f"
                    else:
                        csv_lines.back = csv_line
                if values is None:
                    try:
                        csv_row = next(reader_, None)
                    except csv.Error as exc:  # a cell longer than csv reads, say: the rows after it cannot be paired
                        self._problem(f"{csv_name} row {count} cannot be read as CSV ({exc}).")
                        return self._stop()
                    try:
                        record = loads(line, max_bytes=line_max)
                    except unsafe:
                        self._problem(f"{jsonl_name} row {count}: not valid JSON.")
                        if self.found >= too_many:
                            break
                        continue
                    if type(record) is not dict or list(record) != names:
                        self._problem(f"{jsonl_name} row {count}: the fields should be exactly {', '.join(names)}.")
                        if self.found >= too_many:
                            break
                        continue
                    raw = list(record.values())
                    try:
                        values = [read(value) for read, value in zip(readers, raw, strict=True)]
                    except BadValue:
                        values = None
                        for read, value in zip(readers, raw, strict=True):
                            try:
                                read(value)
                            except BadValue as exc:
                                self._problem(f"{jsonl_name} row {count}: {exc}.")
                                if self.found >= too_many:
                                    return self._stop()
                    if csv_row is None:
                        self._problem(f"{csv_name} has fewer rows than {jsonl_name} (ends before row {count}).")
                        return self._stop()
                    if values is None:
                        expected = [csv_cell(c, json_to_csv(v)) for c, v in zip(ds.columns, raw, strict=True)]
                    else:
                        # A text that a spreadsheet would not run is its own cell (most are): no call made for it.
                        expected = [
                            value if type(value) is str and value[:1] not in first else cell(value)
                            for cell, value in zip(cells, raw, strict=True)
                        ]
                    if csv_row != expected:
                        values = None
                        self._problem(
                            f"{csv_name} row {count} does not match {jsonl_name} row {count}: "
                            f"{_difference(csv_row, expected, ds)}."
                        )
                        if self.found >= too_many:
                            return self._stop()
                    if values is None:
                        continue
                id_ = raw[at_id]
                if id_ in ids:
                    self._problem(f"{jsonl_name} row {count}: id {id_} appears twice.")
                    if self.found >= too_many:
                        return self._stop()
                ids.add(id_)
                if at_number is not None:
                    number = raw[at_number]
                    if number in numbers:
                        self._problem(f"{jsonl_name} row {count}: duplicate registration number {number}.")
                        if self.found >= too_many:
                            return self._stop()
                    numbers.add(number)
                if checks and not self._references_sound(checks, raw, count):
                    if self.found >= too_many:
                        return self._stop()
                    continue
                if self.found:  # nothing more is given once the file is known to be wrong
                    continue
                yield raw, values
            try:
                more = next(reader_, None) is not None
            except csv.Error:
                more = True
            if more:
                self._problem(f"{csv_name} has more rows than {jsonl_name}.")

    def _reference_checks(self):
        if self.references is None:
            return None
        ds = self.ds
        checks = [
            (i, c.name, ds.refers_to(c), self.references[ds.refers_to(c)])
            for i, c in enumerate(ds.columns)
            if c.name != "id" and ds.refers_to(c)
        ]
        entries = [(ds.column_names.index(name), name) for name in _entry_columns(ds)]
        return (checks, entries) if checks or entries else None

    def _references_sound(self, checks, raw: list, count: int) -> bool:
        """``raw``: the row's values in column order."""
        columns, entries = checks
        sound = True
        for at, column, target, keys in columns:
            value = raw[at]
            if value is not None and value not in keys:
                self._problem(f"{self.ds.name}.jsonl row {count}: {column} {value} is not in {target}.jsonl.")
                sound = False
        for at, column in entries:
            value = raw[at]
            if value is not None and value not in self.numbers:
                self._problem(f"{self.ds.name}.jsonl row {count}: {_unknown_number(column, value)}")
                sound = False
        return sound


class _PhysicalLines:
    """A CSV file's lines for ``csv.reader`` (as iterating the file gives them), the one read last by the caller
    (``back``) given again first."""

    def __init__(self, handle):
        self.handle, self.back = handle, None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line, self.back = self.back, None
        if not line:
            line = self.handle.readline()
            if not line:
                raise StopIteration
        return line


def _entry_columns(ds) -> list[str]:
    """The columns holding a registration number (an application's entry may be empty until it is approved)."""
    return [c.name for c in ds.columns if c.type == ENTRY_REF]


def _unknown_number(column: str, value: str) -> str:
    what = "registration number" if column == "registration_number" else column
    return f"{what} {value} is not in register.jsonl."


def _difference(csv_row: list[str], expected: list[str], ds: Dataset) -> str:
    """Which column a CSV row and its JSON line disagree on, and how."""
    if len(csv_row) != len(expected):
        return f"the CSV row has {len(csv_row)} fields, not {len(expected)}"
    names = [
        f"column {name} is {got!r} in the CSV but {want!r} in the JSON Lines"
        for name, got, want in zip(ds.column_names, csv_row, expected, strict=True)
        if got != want
    ]
    return "; ".join(names)


def _check_references(directory: Path, keys: dict[str, set], numbers: set[str], report: Report) -> None:
    for ds in datasets():
        checks = [(c.name, ds.refers_to(c)) for c in ds.columns if c.name != "id" and ds.refers_to(c)]
        entries = _entry_columns(ds)
        if not checks and not entries:
            continue
        found = 0
        with open(directory / f"{ds.name}.jsonl", encoding="utf-8") as handle:
            for row_number, line in enumerate(handle, start=1):
                record = json.loads(line)
                for column, target in checks:
                    value = record[column]
                    if value is not None and value not in keys[target]:
                        report.problems.append(
                            f"{ds.name}.jsonl row {row_number}: {column} {value} is not in {target}.jsonl."
                        )
                        found += 1
                for column in entries:
                    value = record[column]
                    if value is not None and value not in numbers:
                        report.problems.append(f"{ds.name}.jsonl row {row_number}: {_unknown_number(column, value)}")
                        found += 1
                if found >= MAX_PROBLEMS_PER_FILE:
                    break
