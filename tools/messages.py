"""The core's message catalogs: extract, fill, build and check ``app/locale/<lang>/LC_MESSAGES``.

The window's texts are Qt's (``tools/i18n.py``); the messages of ``app.query``, ``app.export``,
``app.models`` and ``app.cli`` are gettext's, wrapped with ``_()``, ``ngettext()``,
``pgettext()`` or ``N_()`` from :mod:`app.i18n`. This tool keeps their French in step:

    python tools/messages.py                  extract the sources into cible.po, build cible.mo
    python tools/messages.py --check          list untranslated messages, stale .mo; exit 1 if any
    python tools/messages.py todo             print the untranslated messages as TSV lines
    python tools/messages.py fill [TSV]       set translations from TSV lines (stdin by default)
    python tools/messages.py merge OTHER.po   take the translations of another cible.po (after a
                                              git merge conflict: keep one side, merge the other)

TSV lines are ``message<TAB>translation``; a plural message takes its plural after the singular
and one column per French form: ``{n} record<TAB>{n} records<TAB>{n} enregistrement<TAB>{n}
enregistrements``. A message with a context starts with ``context\\x04``. Write ``\\n``, ``\\t``
and ``\\\\`` for a newline, a tab and a backslash.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tsv import escape, unescape  # noqa: E402  (tools/tsv.py, shared with the other tool)

ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIR = ROOT / "app" / "locale"
DOMAIN = "cible"
LANGUAGES = ("fr",)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[!:][^{}]*)?\}(?!\})")


class ToolError(Exception):
    pass


def po_path(lang: str = "fr") -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str = "fr") -> Path:
    return po_path(lang).with_suffix(".mo")


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def source_files() -> list[Path]:
    """The Python files whose messages go into the catalog: app/ but app/ui and migrations."""
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        parts = path.relative_to(ROOT / "app").parts
        if parts[0] in ("ui", "locale") or "migrations" in parts or "__pycache__" in parts:
            continue
        found.append(path)
    return found


def extract() -> Catalog:
    """A template catalog of every message wrapped in the core's sources."""
    template = Catalog(project="Cible", domain=DOMAIN)
    wanted = {p.resolve() for p in source_files()}

    def keep(filename: str) -> bool:
        return (ROOT / "app" / filename).resolve() in wanted

    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT / "app",
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        callback=None,
    ):
        if not keep(filename):
            continue
        template.add(
            message,
            None,
            [(f"app/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


#: French as gettext has always counted: singular for 0 and 1, plural above (CLDR's third
#: "many" form, for a million exactly, is not worth a third column to every translator).
PLURALS = {"fr": (2, "(n > 1)")}
_FIXED_DATE = "2026-12-03 00:00+0000"


def _settle(catalog: Catalog, lang: str) -> Catalog:
    """Header fields that never change, so that the file changes only with its messages."""
    catalog.project, catalog.version = "Cible", ""
    catalog.copyright_holder = "Cible"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "Cible"
    catalog.language_team = "Cible"
    catalog.header_comment = "# French messages of Cible's core (app/ but app/ui).\n# Kept by tools/messages.py."
    fixed = dt.datetime.strptime(_FIXED_DATE, "%Y-%m-%d %H:%M%z")
    catalog.creation_date = fixed
    catalog.revision_date = fixed
    if lang in PLURALS:
        catalog._num_plurals, catalog._plural_expr = PLURALS[lang]
    return catalog


def read(lang: str = "fr") -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return _settle(Catalog(locale=lang, project="Cible", domain=DOMAIN), lang)
    with path.open("rb") as f:
        return _settle(read_po(f, locale=lang, domain=DOMAIN), lang)


def write(catalog: Catalog, lang: str = "fr") -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    # Sorted, file names without line numbers: a change elsewhere in a file does not touch
    # the catalog, and two branches adding messages rarely meet on the same lines.
    write_po(buf, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)
    tmp = path.with_suffix(".po.tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)
    mo = mo_path(lang)
    tmp = mo.with_suffix(".mo.tmp")
    tmp.write_bytes(compiled(catalog))
    tmp.replace(mo)


def compiled(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def _key(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


def updated(lang: str = "fr") -> Catalog:
    """The language's catalog with the sources' current messages (translations kept)."""
    catalog = read(lang)
    catalog.update(
        extract(), no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False
    )
    catalog.fuzzy = False
    return _settle(catalog, lang)


def untranslated(catalog: Catalog) -> list[Message]:
    out = []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            out.append(message)
    return out


def placeholder_problems(catalog: Catalog) -> list[str]:
    """Messages whose translation lost or invented a ``{name}`` placeholder."""
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for form in forms:
            if not form:
                continue
            got = set(PLACEHOLDER.findall(form))
            if got - wanted or (wanted - got and len(forms) == 1):
                problems.append(f"placeholders differ: {ids[0]!r} → {form!r}")
    return problems




def todo_lines(lang: str = "fr") -> Iterator[str]:
    for message in untranslated(updated(lang)):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        first = f"{message.context}\x04{ids[0]}" if message.context else ids[0]
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        yield "\t".join(escape(c or "") for c in (first, *ids[1:], *forms))


def fill(lines: Iterable[str], lang: str = "fr") -> int:
    """Apply TSV translation lines; return how many messages were set."""
    catalog = updated(lang)
    index = {_key(m): m for m in catalog if m.id}
    count = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        cols = [unescape(c) for c in line.split("\t")]
        message = index.get(cols[0])
        if message is None:
            raise ToolError(f"line {number}: no message {cols[0]!r}")
        if message.pluralizable:
            forms = cols[2:]
            if len(forms) != catalog.num_plurals or not all(forms):
                raise ToolError(f"line {number}: {catalog.num_plurals} plural forms expected")
            message.string = tuple(forms)
        else:
            if len(cols) != 2 or not cols[1]:
                raise ToolError(f"line {number}: expected message and translation")
            message.string = cols[1]
        message.flags.discard("fuzzy")
        count += 1
    write(catalog, lang)
    return count


def merge(other: Path, lang: str = "fr") -> int:
    """Take the translations of *other* (a cible.po) for messages this one lacks."""
    with other.open("rb") as f:
        theirs = {_key(m): m for m in read_po(f, locale=lang, domain=DOMAIN) if m.id}
    catalog = updated(lang)
    count = 0
    for message in untranslated(catalog):
        found = theirs.get(_key(message))
        if found is not None and found.string and not found.fuzzy:
            message.string = found.string
            message.flags.discard("fuzzy")
            count += 1
    write(catalog, lang)
    return count


def update() -> None:
    for lang in LANGUAGES:
        catalog = updated(lang)
        write(catalog, lang)
        left = len(untranslated(catalog))
        note = f", {left} untranslated" if left else ""
        print(f"{_rel(po_path(lang))} → {mo_path(lang).name}{note}")


def check() -> list[str]:
    """Problems: messages without a translation (new ones included), bad placeholders, stale .mo."""
    problems: list[str] = []
    for lang in LANGUAGES:
        rel = _rel(po_path(lang))
        if not po_path(lang).exists():
            problems.append(f"{rel}: missing (run python tools/messages.py)")
            continue
        catalog = updated(lang)
        for message in untranslated(catalog):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            where = ", ".join(sorted({loc for loc, _ in message.locations}))
            problems.append(f"{rel}: untranslated: {ids[0]!r} ({where})")
        problems += [f"{rel}: {p}" for p in placeholder_problems(catalog)]
        mo = mo_path(lang)
        if not mo.exists() or mo.read_bytes() != compiled(read(lang)):
            problems.append(f"{_rel(mo)}: out of date (run python tools/messages.py)")
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python tools/messages.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    parser.add_argument("--check", action="store_true", help="report untranslated or stale files")
    parser.add_argument("words", nargs="*", metavar="todo | fill [TSV] | merge OTHER.po")
    args = parser.parse_args(argv)
    words = args.words
    try:
        if words == ["todo"]:
            for line in todo_lines():
                print(line)
            return 0
        if words[:1] == ["fill"] and len(words) in (1, 2):
            if len(words) == 2:
                lines = Path(words[1]).read_text(encoding="utf-8").splitlines()
            else:
                lines = sys.stdin.read().splitlines()
            n = fill(lines)
            print(f"{n} translation(s) set in {_rel(po_path())}; {mo_path().name} built")
            return 0
        if words[:1] == ["merge"] and len(words) == 2:
            n = merge(Path(words[1]))
            print(f"{n} translation(s) taken from {words[1]}")
            return 0
        if words:
            raise ToolError(f"unknown command {' '.join(words)!r}")
        if args.check:
            problems = check()
            for problem in problems:
                print(problem)
            if not problems:
                print("messages translated: " + ", ".join(LANGUAGES))
            return 1 if problems else 0
        update()
        return 0
    except ToolError as error:
        print(f"messages: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
