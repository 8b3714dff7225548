"""Every message the core shows a user goes through the gettext catalog and has its French.

The core (``app.query``, ``app.export``, ``app.models``, ``app.cli``) writes its messages in
English wrapped with ``_()`` (``app.i18n``); ``tools/messages.py`` extracts them into
``app/locale/fr/LC_MESSAGES/cible.po``. These tests fail when a message is left unwrapped (an
f-string raised as a user's error or printed by a command), when a wrapped one has no French or
loses a placeholder in French, and when the compiled catalog is stale.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path

import pytest

from app import i18n
from app.errors import CibleError

ROOT = Path(__file__).resolve().parents[1]


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        "cible_messages_tool", ROOT / "tools" / "messages.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
WRAPPERS = {"_", "ngettext", "pgettext"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _user_errors() -> set[str]:
    """Names of every exception class whose message is shown to the user (CibleError's kin)."""
    for path in tool.source_files():
        name = _module_name(path)
        if name != "app.__main__":
            importlib.import_module(name)
    names: set[str] = set()
    todo = [CibleError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _is_text(node: ast.AST) -> bool:
    """A literal that reads as words: a string or f-string with letters, or built from one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_is_text(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.IfExp):  # "x" if lang == "fr" else "y": a hand-rolled pair
        return _is_text(node.body) or _is_text(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # "...".format(...) or "...".join(...) on a bare literal
        return _is_text(node.func.value)
    return False


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def bare_messages(paths: list[Path], user_errors: set[str]) -> list[str]:
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node.func)
            if name in user_errors or name == "print":
                args = list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "message"]
                for arg in args:
                    if _is_text(arg):
                        rel = path.relative_to(ROOT)
                        found.append(f"{rel}:{node.lineno}: {name}({ast.unparse(arg)[:70]})")
    return found


def test_every_user_message_of_the_core_is_wrapped_for_translation() -> None:
    offenders = bare_messages(tool.source_files(), _user_errors())
    assert offenders == [], "wrap these in _() (app.i18n):\n" + "\n".join(offenders)


def test_the_scan_finds_bare_messages(tmp_path: Path) -> None:
    """The scan itself: an f-string raised or printed is found; a wrapped one is not."""
    sample = ROOT / "tests" / "_scan_sample.py"
    sample.write_text(
        "from app.errors import TargetError\n"
        "from app.i18n import _\n"
        "def f(x):\n"
        "    print(f'{x} rows written')\n"
        "    print(_('{x} rows written').format(x=x))\n"
        "    print(x)\n"
        "    raise TargetError(f'{x} is not a number.')\n"
        "def g(x):\n"
        "    raise TargetError(_('{x} is not a number.').format(x=x))\n",
        encoding="utf-8",
    )
    try:
        found = bare_messages([sample], {"TargetError"})
    finally:
        sample.unlink()
    assert [line.split(": ", 1)[1] for line in found] == [
        "print(f'{x} rows written')",
        "TargetError(f'{x} is not a number.')",
    ]


def test_every_message_has_its_french_and_the_catalog_is_built() -> None:
    problems = tool.check()
    assert problems == [], "run python tools/messages.py, then todo / fill:\n" + "\n".join(problems)


def test_placeholders_must_survive_translation() -> None:
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="fr")
    catalog.add("{label}: {value} is not a number.", "{label} : {valeur} n'est pas un nombre.")
    catalog.add("{n} letter", None)
    problems = tool.placeholder_problems(catalog)
    assert len(problems) == 1 and "{valeur}" in problems[0]


def test_the_catalog_is_what_the_application_loads() -> None:
    i18n.translations.cache_clear()
    catalog = i18n.translations("fr")
    assert catalog.gettext("Dry run: nothing was sent.") == "Simulation : rien n’a été envoyé."
    assert inspect.signature(i18n._).parameters.keys() == {"message", "lang"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_argparse_speaks_the_users_language(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli.common import run_command
    from app.cli.run_target import main

    assert run_command(main, ["--lang", lang]) == 2
    err = capsys.readouterr().err
    expected = (
        "arguments obligatoires manquants"
        if lang == "fr"
        else "the following arguments are required"
    )
    assert expected in err and err.count("\n") == 1
