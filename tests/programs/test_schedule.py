"""Windows Task Scheduler command and XML, cron line (the settings dialog shows or runs them)."""

from __future__ import annotations

import datetime as dt
import shlex
import subprocess
import xml.etree.ElementTree as ET

import pytest

from app.errors import CibleError
from app.programs.schedule import (
    TR_LIMIT,
    cron_line,
    schtasks_command,
    schtasks_xml_command,
    task_xml,
)

PY = r"C:\Program Files\Cible\python.exe"
DB = r"C:\Users\Léa Dupré\AppData\Local\Cible\cible.sqlite"
NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}


def test_schtasks_command_registers_a_daily_run() -> None:
    argv = schtasks_command(PY, DB, at="6:30")
    assert argv[:3] == ["schtasks", "/Create", "/TN"]
    assert argv[argv.index("/SC") + 1] == "DAILY"
    assert argv[argv.index("/ST") + 1] == "06:30"
    assert argv[-1] == "/F"
    tr = argv[argv.index("/TR") + 1]
    # quoted as Windows reads a command line: spaces in both paths survive
    assert tr == f'"{PY}" -m app run-programs --db "{DB}"'
    assert len(tr) <= TR_LIMIT


def test_a_too_long_command_asks_for_the_xml() -> None:
    with pytest.raises(CibleError, match="XML"):
        schtasks_command(PY, "C:\\" + "dossier\\" * 40 + "cible.sqlite")
    with pytest.raises(CibleError, match="HH:MM"):
        schtasks_command(PY, DB, at="7h")


def test_task_xml_is_valid_and_runs_the_command() -> None:
    text = task_xml(PY, DB, at="07:00", start=dt.date(2026, 12, 4), working_dir=r"C:\Cible")
    root = ET.fromstring(text.replace('encoding="UTF-16"', ""))
    assert (
        root.find("t:Triggers/t:CalendarTrigger/t:StartBoundary", NS).text == "2026-12-04T07:00:00"
    )
    assert root.find("t:Triggers/t:CalendarTrigger/t:ScheduleByDay/t:DaysInterval", NS).text == "1"
    assert root.find("t:Settings/t:StartWhenAvailable", NS).text == "true"
    assert root.find("t:Settings/t:MultipleInstancesPolicy", NS).text == "IgnoreNew"
    exec_ = root.find("t:Actions/t:Exec", NS)
    assert exec_.find("t:Command", NS).text == PY
    assert exec_.find("t:Arguments", NS).text == f'-m app run-programs --db "{DB}"'
    assert exec_.find("t:WorkingDirectory", NS).text == r"C:\Cible"
    # a path with XML's special characters stays well-formed
    ET.fromstring(task_xml(PY, r"C:\A&B <x>\c.sqlite").replace('encoding="UTF-16"', ""))
    assert schtasks_xml_command("t.xml") == ["schtasks", "/Create", "/XML", "t.xml", "/TN",
                                             "Cible - programmes de fidélisation", "/F"]  # fmt: skip


def test_cron_line() -> None:
    line = cron_line("/usr/bin/python3", "/home/léa/mes données/cible.sqlite", at="07:05",
                     log="/tmp/cible programs.log")  # fmt: skip
    minute, hour, *stars, rest = line.split(" ", 5)
    assert (minute, hour, stars) == ("5", "7", ["*", "*", "*"])
    words = shlex.split(rest)
    assert words[:6] == ["/usr/bin/python3", "-m", "app", "run-programs", "--db",
                         "/home/léa/mes données/cible.sqlite"]  # fmt: skip
    assert words[-2:] == [">>", "/tmp/cible programs.log"] or "2>&1" in rest


def test_windows_quoting_round_trips() -> None:
    # list2cmdline is what Windows' CommandLineToArgvW reads back
    assert subprocess.list2cmdline([PY, "--db", DB]).count('"') == 4
