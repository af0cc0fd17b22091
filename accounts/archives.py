"""Every zip the service reads from outside (Office and OpenDocument evidence, transfer bundles) is opened here.

A zip's directory says how large each member is; a bomb says the truth there (500 MB behind 0.5 MB) or lies. So the
directory is checked first (how many members, how large each is and all together, and how far each expands) before
a byte is decompressed, and members are then read in blocks, never more than their declared size (``zipfile`` stops
there and checks the CRC), so a lying directory cannot make the service write or hold more than it agreed to.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

BLOCK = 1024 * 1024
# Below this a member's ratio is not judged: a small file of one repeated character is harmless however it packs.
RATIO_APPLIES_FROM = 1024 * 1024


class ArchiveRefused(ValueError):
    """Why the archive was not opened, in words for the person who sent it."""


@dataclass(frozen=True)
class Limits:
    members: int
    member_bytes: int
    total_bytes: int
    ratio: int


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def inspect(archive: zipfile.ZipFile, limits: Limits, *, label: str = "The zip") -> list[zipfile.ZipInfo]:
    """The archive's members, once its directory is within ``limits``; ``ArchiveRefused`` saying which limit."""
    members = archive.infolist()
    if len(members) > limits.members:
        raise ArchiveRefused(f"{label} holds {len(members):,} files; it can hold at most {limits.members:,}.")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise ArchiveRefused(f"{label} is encrypted ({info.filename}): send it without a password.")
        if info.file_size > limits.member_bytes:
            raise ArchiveRefused(
                f"{label} holds {info.filename}, which unpacks to {_mb(info.file_size)}; "
                f"each file in it can be at most {_mb(limits.member_bytes)}."
            )
        if info.file_size >= RATIO_APPLIES_FROM and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise ArchiveRefused(
                f"{label} holds {info.filename}, which unpacks to {info.file_size // max(info.compress_size, 1):,} "
                f"times its packed size; no genuine file here packs more than {limits.ratio} times."
            )
        total += info.file_size
    if total > limits.total_bytes:
        raise ArchiveRefused(
            f"{label} unpacks to {_mb(total)}; it can unpack to at most {_mb(limits.total_bytes)} in all."
        )
    return members


def blocks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's content in blocks. ``zipfile`` never unpacks more than the size the directory declares (and a
    member whose real content differs fails its CRC check), so this is bounded by what ``inspect`` accepted."""
    with archive.open(info) as source:
        while block := source.read(BLOCK):
            yield block


def read_start(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, at_most: int) -> bytes:
    """At most ``at_most`` bytes from the start of a member (enough to recognise it), decompressing no further."""
    with archive.open(info) as source:
        return source.read(at_most)
