"""Print the field keys of target files as Markdown tables, from the field catalog.

    python tools/field_table.py            print the tables
    python tools/field_table.py --update   rewrite them in docs/target-format.md (between markers)

docs/target-format.md holds this output between ``<!-- field-table:start -->`` and
``<!-- field-table:end -->``; tests/query/test_docs.py fails when the two differ, so the
document always lists exactly the keys the catalog (app/query/catalog.py) has.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.query.catalog import FIELDS, Entity, Field, FieldType

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "target-format.md"
START = "<!-- field-table:start -->"
END = "<!-- field-table:end -->"

_EXISTS = {
    Entity.INVOICE: "has at least one workshop invoice with it",
    Entity.CONTACT: "has at least one contact with it",
    Entity.SALE: "the sale of the row's vehicle to the customer",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def notes(f: Field) -> str:
    """How a condition on *f* is read, in a few words."""
    parts: list[str] = []
    if f.entity in _EXISTS and not f.aggregate:
        parts.append(_EXISTS[f.entity])
    if f.aggregate:
        parts.append("one value per row (aggregate)")
    if f.money:
        parts.append("euros")
    if f.derived == "years_since":
        parts.append("whole years, counted from today")
    if f.derived == "months_until":
        parts.append("whole months, counted from today")
    if f.timestamp:
        parts.append("the day counts, not the time")
    if f.fold is not None:
        parts.append("`eq` ignores case and accents too")
    if f.type is FieldType.ENUM and f.values_from_db:
        parts.append("values found in the database")
    if f.type is FieldType.ENUM and f.fixed_values:
        parts.append("values: " + ", ".join(f"`{v.value}`" for v in f.fixed_values))
    if f.type is FieldType.BOOLEAN:
        parts.append("`true` or `false`")
    if not f.displayable:
        parts.append("criteria only (not a column, not a sort key)")
    return "; ".join(parts)


def field_table() -> str:
    """Every field key in tree order: key, labels, group, type and how it is read."""
    lines = [
        "| key | French label | English label | group | type | notes |",
        "|---|---|---|---|---|---|",
    ]
    for f in FIELDS.values():
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{f.key}`",
                    _cell(f.label("fr")),
                    _cell(f.label("en")),
                    _cell(f.group_label("fr")),
                    f.type.value,
                    _cell(notes(f)),
                ]
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def value_table() -> str:
    """The fixed checkbox values of enum fields: what a file holds and what users see."""
    lines = ["| key | value in the file | French label | English label |", "|---|---|---|---|"]
    for f in FIELDS.values():
        if f.type is not FieldType.ENUM or not f.fixed_values:
            continue
        for v in f.fixed_values:
            lines.append(f"| `{f.key}` | `{v.value}` | {_cell(v.fr)} | {_cell(v.en)} |")
    return "\n".join(lines) + "\n"


def tables() -> str:
    """What goes between the markers of docs/target-format.md."""
    return (
        "Fields (in the order of the criteria tree):\n\n"
        + field_table()
        + "\nValues of the fields with fixed checkboxes:\n\n"
        + value_table()
    )


def between_markers(text: str) -> str:
    """The part of *text* between the markers (without them); ValueError if they are missing."""
    start = text.index(START) + len(START)
    end = text.index(END, start)
    return text[start:end].strip("\n") + "\n"


def update(path: Path = DOC) -> bool:
    """Rewrite the tables in *path*; return whether anything changed."""
    text = path.read_text(encoding="utf-8")
    start = text.index(START) + len(START)
    end = text.index(END, start)
    new = text[:start] + "\n" + tables() + text[end:]
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--update", action="store_true", help=f"rewrite the tables in {DOC.relative_to(ROOT)}"
    )
    args = parser.parse_args(argv)
    if args.update:
        changed = update()
        print(f"{DOC.relative_to(ROOT)}: {'updated' if changed else 'already up to date'}")
    else:
        sys.stdout.write(tables())
    return 0


if __name__ == "__main__":
    sys.exit(main())
