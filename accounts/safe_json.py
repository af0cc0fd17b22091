"""Every JSON document the service reads from outside goes through ``loads``: its size and nesting are bounded before
it is parsed, and a name given twice in one object is refused.

Python's parser recurses once per level, so a couple of kilobytes of ``[[[[…`` exhaust the interpreter's stack
(a ``RecursionError``, a 500); the nesting is therefore counted first, by a scan that does not recurse. A repeated
name is refused because parsers disagree on which value wins: a person reading a pasted credential sees the first,
Python keeps the last, so a forged value could sit in front of the genuine, signed one.
"""

from __future__ import annotations

import json
import re

MAX_DEPTH = 32
DEFAULT_MAX_BYTES = 1024 * 1024

# A JSON string (skipped whole: brackets inside it are text) or a bracket that opens or closes a level.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class UnsafeJSON(ValueError):
    """Why the document was not read, in words for the person or system that sent it."""


class RepeatedName(UnsafeJSON):
    def __init__(self, name: str):
        self.name = name[:100]
        super().__init__(f"The JSON gives the name “{self.name}” twice in one object. Send each name once.")


def _depth(text: str) -> int:
    deepest = depth = 0
    for match in _TOKENS.finditer(text):
        piece = match.group()
        if piece in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif piece in "]}":
            depth -= 1
    return deepest


def _refuse_repeated_names(pairs: list[tuple[str, object]]) -> dict:
    document = dict(pairs)
    if len(document) == len(pairs):  # the usual case, decided without a loop in Python
        return document
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            raise RepeatedName(name)
        seen.add(name)
    raise AssertionError("unreachable: fewer names than pairs means one is repeated")  # pragma: no cover


# Built once: ``json.loads`` given a hook builds a new decoder on every call, which cost as much as the parsing.
_DECODER = json.JSONDecoder(object_pairs_hook=_refuse_repeated_names)


def loads(data: str | bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = MAX_DEPTH):
    """The parsed document, or ``UnsafeJSON`` saying what is wrong: too large, nested too deeply, a repeated name,
    or not JSON at all."""
    if len(data) > max_bytes:
        raise UnsafeJSON(f"The JSON is too large: it can be at most {max_bytes // 1024:,} KB.")
    if isinstance(data, bytes | bytearray):
        try:
            data = data.decode(json.detect_encoding(data))
        except (UnicodeDecodeError, LookupError) as exc:
            raise UnsafeJSON("The JSON is not readable text (it should be UTF-8).") from exc
    # Fewer opening brackets than the limit cannot nest past it (most documents): the scan is only for the rest.
    if data.count("[") + data.count("{") > max_depth and _depth(data) > max_depth:
        raise UnsafeJSON(f"The JSON is nested too deeply: it can be at most {max_depth} levels deep.")
    try:
        return _DECODER.decode(data)
    except UnsafeJSON:
        raise
    except ValueError as exc:
        raise UnsafeJSON(f"This is not valid JSON: {exc}.") from exc
