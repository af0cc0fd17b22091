"""The data dictionary's tables, generated from the declared columns so the document cannot drift from the code.

``python manage.py shell -c "from regulation.transfer.dictionary import tables; print(tables())"`` prints them;
a test checks docs/transfer-format.md contains exactly these tables.
"""

from .format import DATASETS_HEADING, TYPE_MEANINGS, datasets


def _may_be_empty(ds, column) -> str:
    if column.nullable:
        return "yes (null)"
    return "yes (empty text)" if ds.holds_empty_text(column) else "no"


def tables() -> str:
    parts = [DATASETS_HEADING, ""]
    for ds in datasets():
        parts.append(f"### `{ds.name}` ({ds.name}.csv, {ds.name}.jsonl)")
        parts.append("")
        note = " Always complete, even in a changes-only bundle." if ds.always_full else ""
        parts.append(f"{ds.description}{note} Rows in order of `id`.")
        parts.append("")
        parts.append("| Column | Type | May be empty | Meaning |")
        parts.append("| --- | --- | --- | --- |")
        for c in ds.columns:
            meaning = c.description
            if c.choices:
                meaning += " One of: " + ", ".join(f"`{v}`" for v in c.choices) + "."
            empty = _may_be_empty(ds, c)
            parts.append(f"| `{c.name}` | {TYPE_MEANINGS[c.type][0]} | {empty} | {meaning} |")
        parts.append("")
    return "\n".join(parts)
