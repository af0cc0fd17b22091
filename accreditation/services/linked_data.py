"""RDF canonicalisation for the ``eddsa-rdfc-2022`` cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0), the
suite Open Badges 3.0 names for embedded proofs, by Digital Bazaar's ``pyld`` (URDNA2015, which RDFC-1.0 standardises).

The JSON-LD contexts our credentials use are bundled in ``accreditation/contexts/`` and are the only documents the
loader gives: nothing is fetched, at signing or at checking, and a credential naming any other context is refused.
Where each copy comes from is in that folder's README.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from pyld import jsonld

CONTEXTS_DIR = Path(__file__).resolve().parents[1] / "contexts"
BUNDLED = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}


class UnknownContext(ValueError):
    """Not linked data we can read: another context, or more parts than any credential of ours has."""


# Canonicalisation can take exponential time on graphs built to be symmetrical (many blank nodes); ours have fewer
# than a dozen objects and a few dozen values, so anything with more parts is refused before it is read (a bounded
# cost for any input).
MAX_OBJECTS = 64
MAX_PARTS = 256


def _parts(value, *, top: bool = True) -> tuple[int, int]:
    """(objects, objects and list items) below the top-level @context, refusing what our credentials never hold and
    what could make the RDF differ from the JSON a person reads: a keyword (@list, @graph, @index, a nested @context
    …) anywhere but the top-level @context, and a blank node label."""
    objects = parts = 0
    if isinstance(value, dict):
        objects, parts = 1, 1
        for key, item in value.items():
            if key == "@context" and top:
                continue
            if key.startswith("@"):
                raise UnknownContext(f"It uses the JSON-LD keyword {key[:40]}, which credentials of ours never hold.")
            more_objects, more_parts = _parts(item, top=False)
            objects, parts = objects + more_objects, parts + more_parts
    elif isinstance(value, list):
        for item in value:
            more_objects, more_parts = _parts(item, top=False)
            objects, parts = objects + more_objects, parts + 1 + more_parts
    elif isinstance(value, str) and value.startswith("_:"):
        raise UnknownContext("It names a blank node, which credentials of ours never do.")
    return objects, parts


@functools.cache
def bundled_context(url: str) -> dict:
    return json.loads((CONTEXTS_DIR / BUNDLED[url]).read_text())


def _load_bundled_only(url: str, options=None) -> dict:
    if url not in BUNDLED:
        raise UnknownContext(f"The context {url[:200]} is not one our credentials use.")
    return {"contextUrl": None, "documentUrl": url, "document": bundled_context(url)}


def _values(value) -> int:
    """How many values a JSON document holds (its @context aside)."""
    if isinstance(value, dict):
        return sum(_values(v) for k, v in value.items() if k != "@context")
    if isinstance(value, list):
        return sum(_values(v) for v in value)
    return 1


def _expanded_values(value) -> int:
    """How many values its JSON-LD expansion kept: each becomes one @value, @id or node @type."""
    if isinstance(value, list):
        return sum(_expanded_values(v) for v in value)
    if not isinstance(value, dict):
        return 1
    if "@value" in value:
        return 1
    count = 0
    for key, item in value.items():
        if key == "@id":
            count += 1
        elif key == "@type":
            count += len(item) if isinstance(item, list) else 1
        else:
            count += _expanded_values(item)
    return count


def canonical_nquads(document: dict) -> str:
    """The document's RDF dataset, canonicalised, as N-Quads: what eddsa-rdfc-2022 hashes.

    JSON-LD drops a property its contexts do not define, so a value added to a signed credential under a made-up
    name would not change the signed RDF; like the reference libraries' "safe mode", a document that loses any value
    on expansion is refused instead."""
    objects, parts = _parts(document)
    if objects > MAX_OBJECTS or parts > MAX_PARTS:
        raise UnknownContext(f"It has more than {MAX_OBJECTS} parts, more than any credential of ours.")
    options = {"documentLoader": _load_bundled_only}
    try:
        expanded = jsonld.expand(document, options)
        if _expanded_values(expanded) != _values(document):
            raise UnknownContext("It holds values its contexts do not define, which no signature would cover.")
        return jsonld.normalize(expanded, {**options, "algorithm": "URDNA2015", "format": "application/n-quads"})
    except jsonld.JsonLdError as exc:
        # pyld wraps the loader's refusal; say the refusal, not the wrapper.
        cause = exc
        while cause is not None and not isinstance(cause, UnknownContext):
            cause = getattr(cause, "cause", None) or cause.__cause__
        raise UnknownContext(str(cause) if cause else "This is not JSON-LD we can read.") from exc
