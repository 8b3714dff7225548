"""Translations: extract, fill, build and check Cible's ``app/resources/i18n/<area>_fr.ts`` files.

    python tools/i18n.py                  update every area's .ts from the sources, build the .qm
    python tools/i18n.py core sms         the same for some areas only
    python tools/i18n.py --check          list unfinished translations and stale .qm; exit 1 if any
    python tools/i18n.py todo AREA        print AREA's unfinished messages as TSV lines
    python tools/i18n.py fill AREA [TSV]  set translations from TSV lines (stdin by default), build

TSV lines are ``context<TAB>source<TAB>translation``; a plural message (``tr("%n record(s)",
"", n)``) takes one column per French form: ``...<TAB>%n enregistrement<TAB>%n enregistrements``.
Write ``\\n``, ``\\t`` and ``\\\\`` for a newline, a tab and a backslash. So the usual round is::

    python tools/i18n.py                       # new strings appear, unfinished
    python tools/i18n.py todo sms > todo.tsv   # fill the last column in any editor
    python tools/i18n.py fill sms < todo.tsv   # writes the .ts and builds the .qm

Qt Linguist (``pyside6-linguist app/resources/i18n/sms_fr.ts``) works too; run this tool after it.
An area exists when its source folder does; each area owns one .ts per language.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tsv import escape, unescape  # noqa: E402  (tools/tsv.py, shared with the other tool)

ROOT = Path(__file__).resolve().parents[1]
I18N_DIR = ROOT / "app" / "resources" / "i18n"
LANGUAGES = ("fr",)

#: Area → (source folder, recursive?). ``core`` is the top level of app/ui only.
AREAS: dict[str, tuple[str, bool]] = {
    "core": ("app/ui", False),
    "targeting": ("app/ui/targeting", True),
    "exports": ("app/ui/exports", True),
    "sms": ("app/ui/sms", True),
    "email": ("app/ui/email", True),
    "dms": ("app/ui/dms", True),
    "programs": ("app/ui/programs", True),
}

_SKIP_TYPES = {"vanished", "obsolete"}


class ToolError(Exception):
    pass


def existing_areas() -> list[str]:
    return [area for area, (folder, _) in AREAS.items() if (ROOT / folder).is_dir()]


def sources(area: str) -> list[Path]:
    folder, recursive = AREAS[area]
    base = ROOT / folder
    found = base.rglob("*.py") if recursive else base.glob("*.py")
    return sorted(p for p in found if "__pycache__" not in p.parts)


def ts_path(area: str, lang: str = "fr") -> Path:
    return I18N_DIR / f"{area}_{lang}.ts"


def qm_path(area: str, lang: str = "fr") -> Path:
    return I18N_DIR / f"{area}_{lang}.qm"


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        candidate = Path(sys.executable).with_name(name)
        if candidate.exists():
            return str(candidate)
        raise ToolError(f"{name} not found (it comes with PySide6: pip install -e '.[test]')")
    return exe


def _run(args: list[str]) -> None:
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise ToolError(f"{Path(args[0]).name} failed:\n{result.stdout}{result.stderr}")


def lupdate(area: str, ts: Path, lang: str = "fr") -> None:
    """Merge the area's current source strings into *ts*, keeping existing translations."""
    files = [str(p.relative_to(ROOT)) for p in sources(area)]
    if not files:
        raise ToolError(f"no Python files for area {area!r}")
    _run([
        _tool("pyside6-lupdate"), *files, "-silent", "-locations", "none",
        "-source-language", "en", "-target-language", lang, "-ts", str(ts),
    ])  # fmt: skip


def lrelease(ts: Path, qm: Path) -> None:
    _run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)])


# -- reading and writing .ts files ------------------------------------------------------------


@dataclass
class Message:
    context: str
    source: str
    numerus: bool
    element: ET.Element  # the <message>

    @property
    def translation(self) -> ET.Element:
        found = self.element.find("translation")
        if found is None:
            found = ET.SubElement(self.element, "translation")
        return found

    @property
    def active(self) -> bool:
        return self.translation.get("type") not in _SKIP_TYPES

    @property
    def forms(self) -> list[str]:
        if self.numerus:
            return [f.text or "" for f in self.translation.findall("numerusform")]
        return [self.translation.text or ""]

    @property
    def unfinished(self) -> bool:
        if not self.active:
            return False
        return self.translation.get("type") == "unfinished" or not all(self.forms)


def read_ts(path: Path) -> tuple[ET.ElementTree, list[Message]]:
    tree = ET.parse(path)
    messages = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            messages.append(
                Message(name, message.findtext("source") or "", message.get("numerus") == "yes", message)
            )
    return tree, messages


def write_ts(tree: ET.ElementTree, path: Path) -> None:
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    text = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n"
    tmp = path.with_suffix(".ts.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def unfinished(path: Path) -> list[Message]:
    return [m for m in read_ts(path)[1] if m.unfinished]




def todo_lines(area: str, lang: str = "fr") -> Iterator[str]:
    for m in unfinished(ts_path(area, lang)):
        forms = m.forms if m.numerus else [m.forms[0]]
        yield "\t".join([escape(m.context), escape(m.source), *(escape(f) for f in forms)])


def fill(area: str, lines: Iterable[str], lang: str = "fr") -> int:
    """Apply TSV translation lines to the area's .ts; return how many messages were set."""
    path = ts_path(area, lang)
    if not path.exists():
        raise ToolError(f"{_rel(path)} does not exist: run python tools/i18n.py {area}")
    tree, messages = read_ts(path)
    index: dict[tuple[str, str], list[Message]] = {}
    for m in messages:
        if m.active:
            index.setdefault((m.context, m.source), []).append(m)
    count = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        cols = [unescape(c) for c in line.split("\t")]
        if len(cols) < 3:
            raise ToolError(f"line {number}: expected context, source and translation")
        context, source, forms = cols[0], cols[1], cols[2:]
        if not any(forms):
            continue
        targets = index.get((context, source))
        if not targets:
            raise ToolError(f"line {number}: no message {source!r} in context {context!r}")
        for m in targets:
            translation = m.translation
            if m.numerus:
                for child in list(translation):
                    translation.remove(child)
                translation.text = None
                for form in forms:
                    ET.SubElement(translation, "numerusform").text = form
            else:
                translation.text = forms[0]
            translation.attrib.pop("type", None)
            count += 1
    write_ts(tree, path)
    return count


# -- commands ---------------------------------------------------------------------------------


def update(areas: list[str]) -> None:
    I18N_DIR.mkdir(parents=True, exist_ok=True)
    for area in areas:
        for lang in LANGUAGES:
            ts, qm = ts_path(area, lang), qm_path(area, lang)
            lupdate(area, ts, lang)
            lrelease(ts, qm)
            left = len(unfinished(ts))
            note = f", {left} unfinished" if left else ""
            print(f"{_rel(ts)} → {qm.name}{note}")


def check(areas: list[str]) -> list[str]:
    """Problems: messages not translated (including new strings not yet in the .ts), stale .qm."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for area in areas:
            for lang in LANGUAGES:
                ts, qm = ts_path(area, lang), qm_path(area, lang)
                rel = _rel(ts)
                if not ts.exists():
                    problems.append(f"{rel}: missing (run python tools/i18n.py {area})")
                    continue
                fresh = Path(tmp) / ts.name
                shutil.copyfile(ts, fresh)
                lupdate(area, fresh, lang)
                for m in unfinished(fresh):
                    problems.append(f"{rel}: unfinished: [{m.context}] {m.source!r}")
                built = Path(tmp) / qm.name
                lrelease(ts, built)
                if not qm.exists() or qm.read_bytes() != built.read_bytes():
                    problems.append(f"{_rel(qm)}: out of date (run python tools/i18n.py {area})")
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python tools/i18n.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    parser.add_argument("--check", action="store_true", help="report unfinished or stale files")
    parser.add_argument("words", nargs="*", metavar="AREA | todo AREA | fill AREA [TSV]")
    args = parser.parse_args(argv)
    words = args.words
    try:
        if words[:1] == ["todo"] and len(words) == 2:
            _known(words[1])
            for line in todo_lines(words[1]):
                print(line)
            return 0
        if words[:1] == ["fill"] and len(words) in (2, 3):
            area = _known(words[1])
            if len(words) == 3:
                lines = Path(words[2]).read_text(encoding="utf-8").splitlines()
            else:
                lines = sys.stdin.read().splitlines()
            n = fill(area, lines)
            lupdate(area, ts_path(area))  # back to lupdate's own layout: stable diffs
            lrelease(ts_path(area), qm_path(area))
            print(f"{n} translation(s) set in {_rel(ts_path(area))}; {qm_path(area).name} built")
            return 0
        areas = [_known(a) for a in words] or existing_areas()
        if args.check:
            problems = check(areas)
            for problem in problems:
                print(problem)
            if not problems:
                print(f"translations complete: {', '.join(areas)}")
            return 1 if problems else 0
        update(areas)
        return 0
    except ToolError as error:
        print(f"i18n: error: {error}", file=sys.stderr)
        return 2


def _known(area: str) -> str:
    if area not in AREAS:
        raise ToolError(f"unknown area {area!r} (areas: {', '.join(AREAS)})")
    if area not in existing_areas():
        raise ToolError(f"area {area!r} has no sources yet ({AREAS[area][0]})")
    return area


if __name__ == "__main__":
    sys.exit(main())
