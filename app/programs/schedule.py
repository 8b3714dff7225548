"""Running ``run-programs`` by itself: Windows Task Scheduler and cron (for the settings dialog).

* :func:`schtasks_command` — the ``schtasks /Create`` arguments (a list for ``subprocess.run``,
  no shell) for a daily task; its ``/TR`` command line is limited to 261 characters by Windows:
  beyond, :func:`schtasks_command` raises and :func:`task_xml` is the way (``schtasks /Create
  /XML file.xml /TN name``, :func:`schtasks_xml_command`).
* :func:`task_xml` — the Task Scheduler 1.2 XML of the same daily task: starts when available
  (a PC switched off at that hour runs it when it starts), one instance at a time, stops after
  two hours, runs only when the user is logged on (the database and the documents are theirs).
* :func:`cron_line` — the crontab line for Linux and macOS.

Nothing here runs anything: the dialog shows or runs the command. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import subprocess
from xml.sax.saxutils import escape

from app.errors import CibleError
from app.i18n import _

TASK_NAME = "Cible - programmes de fidélisation"
TR_LIMIT = 261


def _time(at: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", at or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise CibleError(
            _("{value!r} is not a time: use HH:MM, for example 07:30.").format(value=at)
        )
    return int(match.group(1)), int(match.group(2))


def command_args(python: str, db: str, *, extra: list[str] | None = None) -> list[str]:
    """The program and arguments the task runs."""
    return [python, "-m", "app", "run-programs", "--db", db, *(extra or [])]


def schtasks_command(
    python: str, db: str, *, at: str = "07:00", name: str = TASK_NAME
) -> list[str]:
    """``schtasks /Create`` for a daily run at *at* (HH:MM); ``/F`` replaces an older task."""
    hour, minute = _time(at)
    tr = subprocess.list2cmdline(command_args(python, db))
    if len(tr) > TR_LIMIT:
        raise CibleError(
            _(
                "The command is {n} characters long; Windows accepts {max} in schtasks /TR: "
                "register the task from its XML file instead."
            ).format(n=len(tr), max=TR_LIMIT)
        )
    return [
        "schtasks", "/Create", "/TN", name, "/TR", tr, "/SC", "DAILY",
        "/ST", f"{hour:02d}:{minute:02d}", "/F",
    ]  # fmt: skip


def schtasks_xml_command(xml_path: str, *, name: str = TASK_NAME) -> list[str]:
    return ["schtasks", "/Create", "/XML", xml_path, "/TN", name, "/F"]


def task_xml(
    python: str,
    db: str,
    *,
    at: str = "07:00",
    start: dt.date | None = None,
    author: str = "Cible",
    working_dir: str | None = None,
) -> str:
    """Task Scheduler XML for a daily run (write it as UTF-16 for ``schtasks /XML``)."""
    hour, minute = _time(at)
    description = _("Cible: process the loyalty programs that are due.")
    start = start or dt.date.today()
    args = command_args(python, db)
    arguments = subprocess.list2cmdline(args[1:])
    workdir = (
        f"\n      <WorkingDirectory>{escape(working_dir)}</WorkingDirectory>" if working_dir else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Author>{escape(author)}</Author>
    <Description>{escape(description)}</Description>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>{start.isoformat()}T{hour:02d}:{minute:02d}:00</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <ExecutionTimeLimit>PT2H</ExecutionTimeLimit>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{escape(args[0])}</Command>
      <Arguments>{escape(arguments)}</Arguments>{workdir}
    </Exec>
  </Actions>
</Task>
"""


def cron_line(python: str, db: str, *, at: str = "07:00", log: str | None = None) -> str:
    """The crontab line of a daily run at *at*, output appended to *log* when given."""
    hour, minute = _time(at)
    command = shlex.join(command_args(python, db))
    if log:
        command += f" >> {shlex.quote(log)} 2>&1"
    return f"{minute} {hour} * * * {command}"
