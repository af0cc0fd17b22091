"""Writing a transfer bundle: every dataset as CSV and JSON Lines, then manifest.json, published at once.

Rows are read in primary-key order and written as they come, in chunks, so memory does not grow with the
register. On PostgreSQL the database formats the rows itself (``postgres.py``: one COPY per dataset gives both
its files, on several connections sharing one snapshot); elsewhere (SQLite, the embedded default) Python formats
each value. Both write the same bytes.
The bundle is built in a hidden sibling directory and renamed into place only when the manifest, written last,
is complete: nobody ever sees half a bundle.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import os
import shutil
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.utils import timezone

from .format import (
    ESCAPED_TYPES,
    FORMATS,
    MANIFEST,
    PRODUCER,
    SCHEMA_VERSION,
    Dataset,
    converter,
    csv_cell,
    datasets,
    id_offsets,
    json_to_csv,
)
from .postgres import write_files

CHUNK_SIZE = 2000  # rows per write in the portable writer (COPY sends postgres.CHUNK_IDS ids at a time)
# One encoder for every row (json.dumps with options builds a new one per call).
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
Progress = Callable[[int, int, str], None]


class _HashingFile:
    """Writes bytes to a file while keeping their SHA-256, so nothing is read twice."""

    def __init__(self, path: Path):
        self.handle = open(path, "wb")  # noqa: SIM115  closed in close()
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)

    def close(self) -> str:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        return self.digest.hexdigest()


def _write_dataset(
    directory: Path, ds: Dataset, since, offsets, *, chunk_size: int, on_rows: Callable[[int], None]
) -> dict:
    """The portable writer's files for one dataset."""
    csv_out = _HashingFile(directory / f"{ds.name}.csv")
    jsonl_out = _HashingFile(directory / f"{ds.name}.jsonl")
    csv_out.write(ds.csv_header())

    def write(csv_bytes: bytes, jsonl_bytes: bytes, rows: int) -> None:
        csv_out.write(csv_bytes)
        jsonl_out.write(jsonl_bytes)
        on_rows(rows)

    try:
        rows = _write_rows(ds, since, offsets, chunk_size=chunk_size, write=write)
    finally:
        csv_sum, jsonl_sum = csv_out.close(), jsonl_out.close()
    return {
        f"{ds.name}.csv": {"dataset": ds.name, "format": "csv", "rows": rows, "sha256": csv_sum},
        f"{ds.name}.jsonl": {"dataset": ds.name, "format": "jsonl", "rows": rows, "sha256": jsonl_sum},
    }


def _write_files(directory: Path, since, *, chunk_size: int, on_rows: Callable[[int, str], None], engine: str):
    chosen = datasets()
    offsets = id_offsets()
    if _engine(engine) == "postgres":
        return write_files(directory, chosen, since, offsets, on_rows=on_rows)
    files: dict[str, dict] = {}
    for ds in chosen:
        files.update(
            _write_dataset(
                directory, ds, since, offsets, chunk_size=chunk_size, on_rows=lambda n, d=ds.name: on_rows(n, d)
            )
        )
    return files


def _engine(engine: str) -> str:
    """``postgres`` (COPY writes the files' bytes) on PostgreSQL, ``python`` (the portable writer) elsewhere."""
    if engine == "auto":
        return "postgres" if connection.vendor == "postgresql" else "python"
    return engine


def _write_rows(ds: Dataset, since, offsets, *, chunk_size: int, write: Callable[[bytes, bytes, int], None]) -> int:
    """The portable writer: each value formatted in Python. The reference for the format's bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    converters = [converter(column) for column in ds.columns]
    escaped = [column if column.type in ESCAPED_TYPES else None for column in ds.columns]
    names = ds.column_names
    encode = _JSON.encode
    rows = pending = 0
    json_lines: list[str] = []
    for record in ds.queryset(since, offsets).iterator(chunk_size=chunk_size):
        values = [convert(value) for convert, value in zip(converters, record, strict=True)]
        writer.writerow(
            [csv_cell(c, json_to_csv(v)) if c else json_to_csv(v) for c, v in zip(escaped, values, strict=True)]
        )
        json_lines.append(encode(dict(zip(names, values, strict=True))))
        rows += 1
        pending += 1
        if pending == chunk_size:
            _flush(buffer, json_lines, write, pending)
            pending = 0
    _flush(buffer, json_lines, write, pending)
    return rows


def _flush(buffer: io.StringIO, json_lines: list[str], write, rows: int) -> None:
    csv_bytes = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    jsonl_bytes = ("\n".join(json_lines) + "\n").encode() if json_lines else b""
    json_lines.clear()
    write(csv_bytes, jsonl_bytes, rows)


def count_rows(since: datetime.date | None = None) -> int:
    offsets = id_offsets()
    return sum(ds.queryset(since, offsets).count() for ds in datasets())


def write_bundle(
    out: str | os.PathLike,
    *,
    since: datetime.date | None = None,
    as_at: datetime.date | None = None,
    created_at: datetime.datetime | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    engine: str = "auto",
) -> dict:
    """Write the bundle to ``out`` (which must not exist yet) and return its manifest."""
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} already exists: a bundle is never written over another.")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.parent / f".{out.name}.partial-{uuid.uuid4().hex}"
    partial.mkdir()
    try:
        total = count_rows(since) if progress else 0
        done = 0

        def on_rows(n: int, name: str) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, total, name)

        files = _write_files(partial, since, chunk_size=chunk_size, on_rows=on_rows, engine=engine)
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "producer": PRODUCER,
            "created_at": (created_at or timezone.now()).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "as_at": (as_at or timezone.localdate()).isoformat(),
            "kind": "changes" if since else "full",
            "since": since.isoformat() if since else None,
            "datasets": [ds.name for ds in datasets()],
            "files": files,
        }
        # The manifest goes last: a directory without one is incomplete by definition.
        with open(partial / MANIFEST, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2, sort_keys=False, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def zip_bundle(directory: str | os.PathLike, target: str | os.PathLike) -> None:
    """Zip a bundle deterministically (sorted names, fixed times), manifest last, via a temporary name."""
    directory, target = Path(directory), Path(target)
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    names = [*sorted(manifest["files"]), MANIFEST]
    partial = target.with_name(f".{target.name}.partial-{uuid.uuid4().hex}")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with open(directory / name, "rb") as source, archive.open(info, "w") as sink:
                    shutil.copyfileobj(source, sink, 1024 * 1024)
        os.rename(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def read_manifest_from_zip(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(MANIFEST))


__all__ = ["FORMATS", "count_rows", "read_manifest_from_zip", "write_bundle", "zip_bundle"]
