"""app.i18n (formats per language) and the shipped translations (tools/i18n.py)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from app import i18n

ROOT = Path(__file__).resolve().parents[1]


def _load_tool():
    spec = importlib.util.spec_from_file_location("cible_i18n_tool", ROOT / "tools" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture(autouse=True)
def _restore_language():
    before = i18n.language()
    yield
    i18n.set_language(before)


# -- app.i18n ---------------------------------------------------------------------------------


def test_language_is_set_and_read() -> None:
    i18n.set_language("fr")
    assert i18n.language() == "fr"
    i18n.set_language("en")
    assert i18n.language() == "en"
    with pytest.raises(ValueError):
        i18n.set_language("de")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_CA.UTF-8"}, "fr"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "fr_BE.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_system_language_from_the_locale(env: dict[str, str], expected: str) -> None:
    assert i18n.system_language(env) == expected


def test_system_language_ignores_the_c_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n.locale, "getlocale", lambda: ("fr_FR", "UTF-8"))
    assert i18n.system_language({"LANG": "C.UTF-8"}) == "fr"
    monkeypatch.setattr(i18n.locale, "getlocale", lambda: (None, None))
    assert i18n.system_language({}) == "en"


def test_dates_are_day_first_in_both_languages() -> None:
    d = dt.date(2026, 3, 7)
    assert i18n.format_date(d, "fr") == "07/03/2026"
    assert i18n.format_date(d, "en") == "07/03/2026"
    assert i18n.format_date(None) == ""
    assert i18n.format_datetime(dt.datetime(2026, 3, 7, 9, 5), "fr") == "07/03/2026 09:05"
    assert i18n.format_datetime(None) == ""


def test_aware_datetimes_are_shown_in_local_time() -> None:
    moment = dt.datetime(2026, 3, 7, 9, 5, tzinfo=dt.UTC)
    local = moment.astimezone()
    assert i18n.format_datetime(moment) == f"{local:%d/%m/%Y %H:%M}"


def test_long_dates_for_letters() -> None:
    assert i18n.long_date(dt.date(2026, 11, 22), "fr") == "22 novembre 2026"
    assert i18n.long_date(dt.date(2026, 3, 1), "fr") == "1er mars 2026"
    assert i18n.long_date(dt.date(2026, 8, 15), "fr") == "15 août 2026"
    assert i18n.long_date(dt.date(2026, 11, 22), "en") == "22 November 2026"
    assert i18n.long_date(dt.date(2026, 3, 1), "en") == "1 March 2026"
    assert i18n.long_date(None) == ""


def test_counts() -> None:
    assert i18n.format_count(8679, "fr") == "8\u202f679"
    assert i18n.format_count(8679, "en") == "8,679"
    assert i18n.format_count(0, "fr") == "0"
    assert [i18n.singular(n, "fr") for n in (0, 1, 2)] == [True, True, False]
    assert [i18n.singular(n, "en") for n in (0, 1, 2)] == [False, True, False]
    assert i18n.format_count(999, "fr") == "999"
    assert i18n.format_count(1_234_567, "fr") == "1\u202f234\u202f567"
    assert i18n.format_count(-1234, "en") == "-1,234"


def test_counts_follow_the_current_language() -> None:
    i18n.set_language("fr")
    assert i18n.format_count(8679) == "8\u202f679"
    i18n.set_language("en")
    assert i18n.format_count(8679) == "8,679"


def test_formats_follow_the_locale() -> None:
    """Babel's CLDR formats per market: Switzerland groups with an apostrophe, Quebec with a
    no-break space; the language part of the locale chooses the messages."""
    assert i18n.format_count(8679, "fr_CH") == "8'679"
    assert i18n.format_count(8679, "fr_CA") == "8\u00a0679"
    assert i18n.format_money(123450, "fr_CH", currency="CHF") == "1'234,50\u00a0CHF"
    assert i18n.format_money(123450, "fr_CA", currency="CAD") == "1\u00a0234,50\u00a0$"
    i18n.set_language("fr_CH.UTF-8")
    assert (i18n.language(), i18n.locale_name()) == ("fr", "fr_CH")
    assert i18n.format_count(8679) == "8'679"
    assert i18n.format_count(8679, "fr") == "8'679"  # the current French locale
    assert i18n.format_count(8679, "en") == "8,679"
    i18n.set_language("fr")
    assert i18n.locale_name() == "fr_FR"
    assert i18n.normalize_locale("de_DE.UTF-8") == "en_GB"
    assert i18n.system_locale({"LANG": "fr_CA.UTF-8"}) == "fr_CA"


def test_messages_are_translated_by_the_catalog() -> None:
    i18n.set_language("fr")
    assert i18n._("Dry run: nothing was sent.") == "Simulation : rien n’a été envoyé."
    assert i18n._("Dry run: nothing was sent.", "en") == "Dry run: nothing was sent."
    one = [
        i18n.ngettext("{n} row written to {out}", "{n} rows written to {out}", n) for n in (0, 1, 2)
    ]
    assert one == ["{n} ligne écrite dans {out}"] * 2 + ["{n} lignes écrites dans {out}"]
    i18n.set_language("en")
    assert i18n._("Dry run: nothing was sent.") == "Dry run: nothing was sent."
    assert i18n.ngettext("{n} row written to {out}", "{n} rows written to {out}", 0).startswith(
        "{n} rows"
    )
    assert i18n.N_("Plate") == "Plate"


def test_money() -> None:
    assert i18n.format_money(123450, "fr") == "1\u202f234,50\u00a0€"
    assert i18n.format_money(123450, "en") == "€1,234.50"
    assert i18n.format_money(5, "fr") == "0,05\u00a0€"
    assert i18n.format_money(-199, "fr") == "-1,99\u00a0€"
    assert i18n.format_money(-199, "en") == "-€1.99"
    assert i18n.format_money(10**15 + 1, "en") == "€10,000,000,000,000.01"


def test_numbers_percent_and_sizes() -> None:
    assert i18n.format_number(1234.5, 1, "fr") == "1\u202f234,5"
    assert i18n.format_number(-0.001, 2, "fr") == "0,00"
    assert i18n.format_percent(0.125, 1, "fr") == "12,5\u00a0%"  # CLDR: no-break space
    assert i18n.format_percent(0.125, 1, "en") == "12.5%"
    assert i18n.format_size(500, "fr") == "500\u00a0o"
    assert i18n.format_size(12_900_000, "fr") == "12,3\u00a0Mo"
    assert i18n.format_size(12_900_000, "en") == "12.3\u00a0MB"


# -- the shipped translations -----------------------------------------------------------------


def _translated_areas() -> list[str]:
    return [a for a in tool.existing_areas() if tool.ts_path(a).exists()]


@pytest.mark.parametrize("area", tool.existing_areas())
def test_every_area_is_translated_and_built(area: str) -> None:
    """Each area's .ts covers its current source strings, all translated; its .qm is rebuilt.

    Areas whose sources exist but which have no .ts yet are skipped (visible with -ra).
    """
    if shutil.which("pyside6-lupdate") is None:
        pytest.fail("pyside6-lupdate not found (it comes with PySide6)")
    if not tool.ts_path(area).exists():
        pytest.skip(f"{area}: no app/resources/i18n/{area}_fr.ts yet (python tools/i18n.py {area})")
    assert tool.check([area]) == []


def test_core_is_translated() -> None:
    assert "core" in _translated_areas()
    assert not tool.unfinished(tool.ts_path("core"))


@pytest.fixture
def scratch_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """tools/i18n.py working on a copy of core's .ts in a temporary folder."""
    monkeypatch.setattr(tool, "I18N_DIR", tmp_path)
    return tool


def _write_ts(path: Path) -> None:
    path.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>Grid</name>
    <message>
        <source>Plate</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n record(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Old text</source>
        <translation type="vanished">Ancien texte</translation>
    </message>
    <message>
        <source>Line
break	and tab</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
""",
        encoding="utf-8",
    )


def test_todo_and_fill_round_trip(scratch_tool, tmp_path: Path) -> None:
    ts = scratch_tool.ts_path("core")
    _write_ts(ts)
    todo = list(scratch_tool.todo_lines("core"))
    assert todo == [
        "Grid\tPlate\t",
        "Grid\t%n record(s)\t\t",
        "Grid\tLine\\nbreak\\tand tab\t",
    ]
    filled = [
        "# translations for the grid",
        "Grid\tPlate\tImmatriculation",
        "Grid\t%n record(s)\t%n enregistrement\t%n enregistrements",
        "Grid\tLine\\nbreak\\tand tab\tLigne\\nsuivante",
        "",
    ]
    assert scratch_tool.fill("core", filled) == 3
    assert scratch_tool.unfinished(ts) == []
    _, messages = scratch_tool.read_ts(ts)
    by_source = {m.source: m for m in messages}
    assert by_source["Plate"].forms == ["Immatriculation"]
    assert by_source["%n record(s)"].forms == ["%n enregistrement", "%n enregistrements"]
    assert by_source["Line\nbreak\tand tab"].forms == ["Ligne\nsuivante"]
    assert not by_source["Old text"].active
    scratch_tool.lrelease(ts, tmp_path / "core_fr.qm")
    assert (tmp_path / "core_fr.qm").stat().st_size > 0


def test_fill_rejects_unknown_messages(scratch_tool) -> None:
    _write_ts(scratch_tool.ts_path("core"))
    with pytest.raises(scratch_tool.ToolError, match="no message 'Missing'"):
        scratch_tool.fill("core", ["Grid\tMissing\tManquant"])
    with pytest.raises(scratch_tool.ToolError, match="line 1"):
        scratch_tool.fill("core", ["Grid only"])


def test_check_reports_unfinished_and_stale(scratch_tool, tmp_path: Path) -> None:
    shutil.copyfile(ROOT / "app" / "resources" / "i18n" / "core_fr.ts", scratch_tool.ts_path("core"))
    problems = scratch_tool.check(["core"])
    assert len(problems) == 1 and "core_fr.qm: out of date" in problems[0]
    scratch_tool.lrelease(scratch_tool.ts_path("core"), scratch_tool.qm_path("core"))
    assert scratch_tool.check(["core"]) == []
    text = scratch_tool.ts_path("core").read_text(encoding="utf-8")
    scratch_tool.ts_path("core").write_text(
        text.replace(
            "<translation>Actualiser</translation>", '<translation type="unfinished"></translation>'
        ),
        encoding="utf-8",
    )
    problems = scratch_tool.check(["core"])
    assert any("unfinished: [DatabaseOverview] 'Refresh'" in p for p in problems)
    assert any("out of date" in p for p in problems)


def test_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert tool.main(["--check", "core"]) == 0
    assert "translations complete: core" in capsys.readouterr().out
    assert tool.main(["nowhere"]) == 2
    assert "unknown area" in capsys.readouterr().err
