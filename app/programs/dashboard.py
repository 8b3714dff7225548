"""What the programs dashboard shows and does (one line per program, as in seed 002).

Pure Python, no Qt: the window calls these functions (in a background task for
:func:`run_now` and :func:`list_programs` on a large database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.i18n import _
from app.models.db import Database
from app.models.programs import Program, ProgramRun, ProgramSchedule, ProgramType, RunResult
from app.programs.rules import ProgramError, add_months, due
from app.programs.runner import RunReport, problems, run_program
from app.programs.settings import load_settings


@dataclass
class ProgramLine:
    """One line of the dashboard."""

    id: int
    name: str
    type: ProgramType
    #: Reminders due this month (from the catch-up window to the month's end) and next month.
    due_this_month: int
    due_next_month: int
    next_processing: dt.date | None
    owner: str
    paused: bool
    last_run_at: dt.datetime | None
    last_result: RunResult | None
    last_message: str
    #: Why the program cannot run (empty: it can): shown on its line.
    problems: list[str]

    @property
    def status(self) -> str:
        return "; ".join(self.problems)


def next_processing(program: Program, today: dt.date) -> dt.date | None:
    """The next day (from *today*) the program's schedule processes it; ``None`` when paused
    or its date has passed."""
    if program.paused:
        return None
    kind = ProgramSchedule(program.schedule)
    if kind is ProgramSchedule.DAILY:
        return today
    if kind is ProgramSchedule.WEEKLY:
        return today + dt.timedelta(days=(int(program.schedule_day or 0) - today.weekday()) % 7)
    if kind is ProgramSchedule.MONTHLY:
        day = min(max(int(program.schedule_day or 1), 1), 28)
        this = today.replace(day=day)
        return this if this >= today else add_months(this, 1)
    when = program.schedule_date
    return when if when is not None and when >= today else None


def is_due_today(program: Program, today: dt.date) -> bool:
    """The schedule processes *program* today (a date program: on or after its date, once)."""
    if program.paused:
        return False
    if ProgramSchedule(program.schedule) is ProgramSchedule.DATE:
        return program.schedule_date is not None and program.schedule_date <= today
    return next_processing(program, today) == today


def month_windows(
    program: Program, today: dt.date
) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    start = today - dt.timedelta(days=max(program.late_days or 0, 0))
    first = today.replace(day=1)
    m1 = add_months(first, 1)
    m2 = add_months(first, 2)
    return (start, m1 - dt.timedelta(days=1)), (m1, m2 - dt.timedelta(days=1))


def list_programs(
    database: Database, today: dt.date, *, lang: str | None = None
) -> list[ProgramLine]:
    """Every program with its counts, next processing date, last run and problems."""
    lines = []
    with database.session() as session:
        settings = load_settings(session)
        conn = session.connection()
        for program in session.scalars(select(Program).order_by(Program.name)):
            found = problems(session, program, lang)
            (a0, a1), (b0, b1) = month_windows(program, today)
            try:
                this = len(due(conn, program, settings, a0, a1, today=today))
                nxt = len(due(conn, program, settings, b0, b1, today=today))
            except ProgramError as error:
                this = nxt = 0
                if str(error) not in found:
                    found.append(str(error))
            last = session.scalars(
                select(ProgramRun)
                .where(ProgramRun.program_id == program.id, ProgramRun.result != RunResult.DRY_RUN)
                .order_by(ProgramRun.id.desc())
                .limit(1)
            ).first()
            lines.append(
                ProgramLine(
                    id=program.id, name=program.name, type=ProgramType(program.type),
                    due_this_month=this, due_next_month=nxt,
                    next_processing=next_processing(program, today), owner=program.owner,
                    paused=program.paused, last_run_at=last.started_at if last else None,
                    last_result=RunResult(last.result) if last else None,
                    last_message=(last.message if last else "") or "", problems=found,
                )
            )  # fmt: skip
    return lines


def set_paused(database: Database, program_id: int, paused: bool) -> None:
    """Pause or resume a program (a paused program is not processed by scheduled runs)."""
    with database.session() as session:
        program = session.get(Program, program_id)
        if program is None:
            raise ProgramError(_("No program number {id}.").format(id=program_id))
        program.paused = paused


def run_now(
    database: Database,
    program_id: int,
    today: dt.date,
    *,
    dry_run: bool = False,
    out_dir: str | Path | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    lang: str | None = None,
) -> RunReport:
    """Process one program now, paused or not (the dashboard's "Run now")."""
    return run_program(
        database, program_id, today, dry_run=dry_run, out_dir=out_dir, progress=progress,
        cancelled=cancelled, lang=lang,
    )  # fmt: skip


def due_programs(database: Database, today: dt.date) -> list[int]:
    """Programs whose schedule processes them today and that have not run today (offered at
    start-up, processed by ``run-programs``)."""
    with database.session() as session:
        ran = set(
            session.scalars(
                select(ProgramRun.program_id).where(
                    ProgramRun.day == today,
                    ProgramRun.result.in_([RunResult.DONE, RunResult.NOTHING]),
                )
            )
        )
        found = []
        for program in session.scalars(select(Program).order_by(Program.id)):
            if program.id in ran or not is_due_today(program, today):
                continue
            if ProgramSchedule(program.schedule) is ProgramSchedule.DATE:
                done = session.scalar(
                    select(ProgramRun.id).where(
                        ProgramRun.program_id == program.id,
                        ProgramRun.result.in_([RunResult.DONE, RunResult.NOTHING]),
                    )
                )
                if done is not None:
                    continue
            found.append(program.id)
    return found
