"""Checking a bundle before anyone trusts it: every file there, counts and checksums as the manifest says, a
schema version we know, every row well formed, no registration number twice, every reference resolvable.

``verify_bundle`` returns the problems as sentences naming the file, the row and the column; none means the
bundle is sound. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from accounts import safe_json

from .format import ENTRY_REF, MANIFEST, SCHEMA_VERSION, BadValue, Dataset, csv_cell, datasets, json_to_csv, parse

MAX_PROBLEMS_PER_FILE = 20
# A bundle's manifest and each of its JSON lines are a few kilobytes; none is read beyond these.
MANIFEST_MAX_BYTES = 1024 * 1024
LINE_MAX_BYTES = 1024 * 1024


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


def _lines(handle):
    """The file's lines, none read beyond ``LINE_MAX_BYTES`` (a longer one comes in pieces, each refused as JSON)."""
    while line := handle.readline(LINE_MAX_BYTES + 1):
        yield line


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


def verify_bundle(directory) -> Report:
    directory = Path(directory)
    report = Report()
    manifest = read_manifest(directory, report)
    if manifest is None:
        return report
    report.manifest = manifest
    files = manifest["files"]
    sound_files: set[str] = set()
    for ds in datasets():
        for name in ds.files():
            entry = files.get(name)
            path = directory / name
            if entry is None:
                report.problems.append(f"{MANIFEST} does not list {name}.")
            elif not path.is_file():
                report.problems.append(f"{name} is missing.")
            elif sha256_of(path) != entry.get("sha256"):
                report.problems.append(f"{name}: wrong checksum (its SHA-256 is not the one in {MANIFEST}).")
            else:
                sound_files.add(name)
    for name in sorted(set(files) - {n for ds in datasets() for n in ds.files()}):
        report.problems.append(f"{MANIFEST} lists {name}, which is not part of schema version {SCHEMA_VERSION}.")
    if report.problems:
        return report
    keys: dict[str, set] = {}
    numbers: set[str] = set()
    for ds in datasets():
        ids, count = _check_rows(directory, ds, files, report, numbers)
        keys[ds.name] = ids
        report.rows[ds.name] = count
    if report.problems or manifest.get("kind") != "full":
        return report
    _check_references(directory, keys, numbers, report)
    return report


def _check_rows(directory: Path, ds: Dataset, files: dict, report: Report, numbers: set[str]) -> tuple[set, int]:
    """Reads the JSON Lines and the CSV side by side: each row well formed and both files saying the same."""
    ids: set = set()
    before = len(report.problems)

    def problem(text: str) -> bool:
        report.problems.append(text)
        return len(report.problems) - before >= MAX_PROBLEMS_PER_FILE

    jsonl_name, csv_name = f"{ds.name}.jsonl", f"{ds.name}.csv"
    empty = {c.name: ds.holds_empty_text(c) for c in ds.columns}
    count = 0
    with (
        open(directory / jsonl_name, encoding="utf-8", newline="") as jsonl,
        open(directory / csv_name, encoding="utf-8", newline="") as csv_file,
    ):
        reader = csv.reader(csv_file)
        header = next(reader, None)
        if header != ds.column_names:
            problem(f"{csv_name}: the header row should be {','.join(ds.column_names)}.")
            return ids, 0
        for count, line in enumerate(_lines(jsonl), start=1):
            csv_row = next(reader, None)
            where = f"row {count}"
            try:
                record = safe_json.loads(line, max_bytes=LINE_MAX_BYTES)
            except safe_json.UnsafeJSON:
                if problem(f"{jsonl_name} {where}: not valid JSON."):
                    break
                continue
            if not isinstance(record, dict) or list(record) != ds.column_names:
                if problem(f"{jsonl_name} {where}: the fields should be exactly {', '.join(ds.column_names)}."):
                    break
                continue
            failed = False
            for column in ds.columns:
                try:
                    parse(column, record[column.name], empty_text=empty[column.name])
                except BadValue as exc:
                    failed = True
                    if problem(f"{jsonl_name} {where}: {exc}."):
                        return ids, count
            if csv_row is None:
                problem(f"{csv_name} has fewer rows than {jsonl_name} (ends before {where}).")
                return ids, count
            expected = [csv_cell(c, json_to_csv(record[c.name])) for c in ds.columns]
            if csv_row != expected:
                failed = True
                if problem(
                    f"{csv_name} {where} does not match {jsonl_name} {where}: {_difference(csv_row, expected, ds)}."
                ):
                    return ids, count
            if failed:
                continue
            if record["id"] in ids and problem(f"{jsonl_name} {where}: id {record['id']} appears twice."):
                return ids, count
            ids.add(record["id"])
            if ds.name == "register":
                number = record["registration_number"]
                if number in numbers and problem(f"{jsonl_name} {where}: duplicate registration number {number}."):
                    return ids, count
                numbers.add(number)
        if next(reader, None) is not None:
            problem(f"{csv_name} has more rows than {jsonl_name}.")
    for name in (jsonl_name, csv_name):
        if files[name].get("rows") != count:
            problem(f"{name}: {MANIFEST} says {files[name].get('rows')} rows but the file has {count}.")
    return ids, count


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
        refers_to_entry = any(c.type == ENTRY_REF for c in ds.columns)
        if not checks and not refers_to_entry:
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
                if refers_to_entry and record["registration_number"] not in numbers:
                    report.problems.append(
                        f"{ds.name}.jsonl row {row_number}: registration number "
                        f"{record['registration_number']} is not in register.jsonl."
                    )
                    found += 1
                if found >= MAX_PROBLEMS_PER_FILE:
                    break
