"""Processing a program: what is due, who is held out, which channel, and the run's outputs.

:func:`run_program` processes one program for *today*:

1. **Checks first** (:func:`problems`): a saved target deleted, a template missing or broken,
   a channel with no settings (no SMS settings saved, no mail server). A program with a problem
   is skipped with the reason (a ``skipped`` run), and nothing at all is written for it.
2. **A run left unfinished** by a crash is finished first (its files are written again from its
   recorded contacts: the contacts are the truth, the files are made from them).
3. **Due** reminders (:func:`app.programs.rules.due`): contact date between today minus the
   program's ``late_days`` and today, events already recorded left out.
4. **Control group**: ``control_percent`` of the due reminders, drawn at random but fixed per
   program and event (a re-run draws the same), are recorded as ``control`` and not contacted.
5. **Channels** (:func:`app.programs.channels.assign_channels`): preference, permissions,
   call rules, the monthly cap; the ones left out are counted in the funnel with the reason.
6. **Phase 1, one transaction**: the run row, one ``program_contact`` row per contact (the
   UNIQUE key refuses an event recorded meanwhile by another run: the whole transaction is
   rolled back and nothing is half done), the SMS send and the e-mail send written to their
   journals through their own funnels and create functions (:mod:`app.export.sms.sender`,
   :mod:`app.export.email.sender`: their send windows, suppression lists and "never twice"
   apply; ``send-pending``, ``send-email`` or the window hand them over). A reminder the
   channel's own funnel drops is recorded ``cancelled`` with its reason.
7. **Phase 2, files** (through :mod:`app.files` by the writers): the letters document and its
   labels (:func:`app.export.word.merge.merge_target`), the call list (.xlsx, through
   :func:`app.export.excel.write_workbook`). Letters are written to the contact history. Then
   the run is marked done. A crash between 6 and 7 leaves a ``running`` run: the next run of
   the program writes its files (step 2).

``dry_run`` stops after step 5 and writes nothing. ``progress(done, total, text)`` may raise
to stop, ``cancelled()`` returning true stops with :class:`RunCancelled` (before phase 1:
nothing written; during phase 2: the run stays ``running`` and is finished next time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import CibleError
from app.export.funnel import Funnel
from app.i18n import _, format_date
from app.models.activity import ContactHistory
from app.models.base import current_user, utcnow
from app.models.db import Database
from app.models.enums import ContactChannel
from app.models.programs import (
    ContactStatus,
    Program,
    ProgramContact,
    ProgramRun,
    ProgramType,
    RunResult,
)
from app.programs.channels import Assignment, assign_channels, channel_label, parse_channels
from app.programs.rules import CUSTOMER_TYPES, Due, ProgramError, due
from app.programs.settings import ProgramSettings, load_settings
from app.resources import TEMPLATES_DIR

Progress = Callable[[int, int, str], None]


class RunCancelled(CibleError):
    """The user stopped the run."""


@dataclass
class ChannelOutput:
    """What a run produced on one channel."""

    channel: str
    count: int = 0
    #: The funnel's lines (label: count (-dropped)).
    funnel: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    batch_id: int | None = None
    #: (customer id, reason) for each reminder this channel's own checks dropped.
    dropped: list[tuple[int, str]] = field(default_factory=list)
    #: The funnel's count per step, added up over the chunks of a large run.
    step_counts: dict[str, int] = field(default_factory=dict, repr=False)


@dataclass
class RunReport:
    """What :func:`run_program` did (also what the dashboard and the command show)."""

    program_id: int
    program_name: str
    result: RunResult
    message: str = ""
    run_id: int | None = None
    due: int = 0
    control: int = 0
    contacted: int = 0
    left_out: int = 0
    #: Why reminders were left out (reason → count), e.g. the cap, no channel allowed.
    left_out_reasons: dict[str, int] = field(default_factory=dict)
    #: Left-out reminders with the reason, for the funnel's list (customer id, reason).
    left_out_list: list[tuple[int, str]] = field(default_factory=list)
    outputs: dict[str, ChannelOutput] = field(default_factory=dict)
    resumed_run_id: int | None = None

    def summary_line(self, lang: str | None = None) -> str:
        if self.result in (RunResult.SKIPPED, RunResult.FAILED):
            return _("{name}: skipped: {reason}", lang).format(
                name=self.program_name, reason=self.message
            )
        parts = ", ".join(
            f"{channel_label(c, lang)} {o.count}" for c, o in self.outputs.items() if o.count
        )
        return _(
            "{name}: {due} due, {contacted} contacted ({channels}), {control} in the control "
            "group, {left} left out",
            lang,
        ).format(
            name=self.program_name,
            due=self.due,
            contacted=self.contacted,
            channels=parts or "-",
            control=self.control,
            left=self.left_out,
        )


# --- checks -----------------------------------------------------------------------------------


def templates_of(program: Program) -> dict[str, Any]:
    try:
        data = json.loads(program.templates or "{}")
    except json.JSONDecodeError:
        raise ProgramError(_("The program's templates are damaged (not JSON).")) from None
    return data if isinstance(data, dict) else {}


def letter_path(value: str) -> Path:
    path = Path(value)
    if not path.is_absolute() and not path.exists():
        return TEMPLATES_DIR / path
    return path


def _email_template(value: Any) -> Any:
    from app.export.email.templates import compile_template

    if not isinstance(value, dict):
        raise ProgramError(_("the e-mail template needs a subject and a body"))
    html = str(value.get("html") or "")
    if html.strip().lower().endswith((".html", ".htm")) and "<" not in html:
        path = Path(html.strip())
        if not path.is_file():
            raise ProgramError(_("the e-mail template {path} is missing").format(path=path))
        html = path.read_text(encoding="utf-8")
    return compile_template(str(value.get("subject") or ""), html)


def problems(session: Session, program: Program, lang: str | None = None) -> list[str]:
    """Why *program* cannot run now (empty: it can). One line per problem."""
    found: list[str] = []
    if program.target_id is None and program.target_name:
        found.append(
            _("its saved target {name!r} was deleted", lang).format(name=program.target_name)
        )
    if ProgramType(program.type) is ProgramType.NEWSLETTER and program.schedule_date is None:
        found.append(_("a newsletter needs a date", lang))
    channels = parse_channels(program.channels)
    if not channels:
        found.append(_("no channel chosen", lang))
    try:
        templates = templates_of(program)
    except ProgramError as error:
        return [*found, str(error)]
    for channel in channels:
        value = templates.get(channel)
        label = channel_label(channel, lang)
        if channel not in ("post", "email", "sms", "phone"):
            found.append(_("unknown channel {name!r}", lang).format(name=channel))
            continue
        if not value:
            found.append(_("no template for {channel}", lang).format(channel=label))
            continue
        try:
            if channel == "post":
                from app.export.word.template import LetterTemplate

                path = letter_path(str(value))
                if not path.is_file():
                    raise ProgramError(
                        _("the letter template {path} is missing", lang).format(path=path)
                    )
                LetterTemplate(path)
            elif channel == "sms":
                from app.export.sms.templates import check_body

                check_body(str(value))
                _check_sms(session, str(value), lang)
            elif channel == "email":
                from app.export.email.settings import load_settings as email_settings

                _email_template(value)
                email_settings(session).check()
            elif channel == "phone":
                from app.export.sms.templates import placeholders

                placeholders(str(value))
        except CibleError as error:
            found.append(f"{label}: {error}")
        except (OSError, ValueError) as error:
            found.append(f"{label}: {error}")
    return found


def _check_sms(session: Session, body: str, lang: str | None) -> None:
    from app.export.sms.recipients import apply_body
    from app.export.sms.settings import load_settings as sms_settings
    from app.export.sms.templates import asked_fields
    from app.models.sms import SmsKind

    asked = asked_fields(body)
    if asked:
        raise ProgramError(
            _("{fields} must be typed at each send: a program cannot fill it", lang).format(
                fields=", ".join("{" + n + "}" for n in asked)
            )
        )
    settings = sms_settings(session)
    settings.validate()
    apply_body(
        Funnel.start("rows", "", []), body, SmsKind.MARKETING, settings, dt.datetime.now(dt.UTC)
    )


# --- helpers ----------------------------------------------------------------------------------


def in_control_group(program_id: int, d: Due, percent: int) -> bool:
    """A fixed draw per program and event: the same answer on every run."""
    if percent <= 0:
        return False
    key = f"{program_id}:{d.customer_id}:{d.vehicle_id or 0}:{d.event_kind}:{d.event_date}"
    value = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % 10000
    return value < percent * 100


def _target_for(assignments: list[Assignment], per_customer: bool, columns: list[str], name: str):
    from app.query.criteria import Condition, Group, Op
    from app.query.target import Target

    if per_customer:
        key, ids = "customer.id", sorted({a.due.customer_id for a in assignments})
    else:
        key, ids = "vehicle.id", sorted({a.due.vehicle_id for a in assignments if a.due.vehicle_id})
    parts: list[Any] = [Condition(key, Op.IN, ids[i : i + 500]) for i in range(0, len(ids), 500)]
    criteria = Group("any", parts) if len(parts) > 1 else Group("all", parts)
    return Target(
        name=name,
        columns=columns,
        criteria=criteria,
        grain="customer" if per_customer else "vehicle",
    )


def _report(
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    done: int,
    total: int,
    text: str,
) -> None:
    if progress is not None:
        progress(done, total, text)
    if cancelled is not None and cancelled():
        raise RunCancelled(_("The run was stopped."))


def out_folder(database: Database, settings: ProgramSettings, out_dir: str | Path | None) -> Path:
    if out_dir:
        return Path(out_dir)
    if settings.out_folder:
        return Path(settings.out_folder)
    base = Path(database.path).parent if getattr(database, "path", None) else Path.cwd()
    return base / "programmes"


def _safe(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
    return keep.strip("_")[:60] or "programme"


# --- the run ----------------------------------------------------------------------------------


def plan_program(
    session: Session,
    program: Program,
    settings: ProgramSettings,
    today: dt.date,
    *,
    lang: str | None = None,
) -> tuple[list[Due], list[Due], list[Assignment]]:
    """(due, control group, assignments) of *program* on *today*; reads only."""
    start = today - dt.timedelta(days=max(program.late_days or 0, 0))
    dues = due(session.connection(), program, settings, start, today, today=today)
    control = [d for d in dues if in_control_group(program.id, d, program.control_percent or 0)]
    held = {d.key for d in control}
    rest = [d for d in dues if d.key not in held]
    assignments = assign_channels(
        session, rest, parse_channels(program.channels), settings, today, lang=lang
    )
    return dues, control, assignments


def run_program(
    database: Database,
    program_id: int,
    today: dt.date,
    *,
    dry_run: bool = False,
    out_dir: str | Path | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    lang: str | None = None,
    now: dt.datetime | None = None,
) -> RunReport:
    """Process *program_id* on *today* (see the module docstring)."""
    with database.session() as session:
        program = session.get(Program, program_id)
        if program is None:
            raise ProgramError(_("No program number {id}.", lang).format(id=program_id))
        report = RunReport(program.id, program.name, RunResult.RUNNING)
        settings = load_settings(session)
        issues = problems(session, program, lang)
        if issues:
            report.result = RunResult.SKIPPED
            report.message = "; ".join(issues)
            if not dry_run:
                session.add(
                    ProgramRun(
                        program_id=program.id, day=today, result=RunResult.SKIPPED,
                        message=report.message, finished_at=utcnow(), user=current_user(),
                    )
                )  # fmt: skip
            return report
    folder = out_folder(database, settings, out_dir)
    if not dry_run:
        report.resumed_run_id = resume_unfinished(database, program_id, folder, lang=lang)
    _report(progress, cancelled, 0, 0, _("Finding the reminders due", lang))
    with database.session() as session:
        program = session.get(Program, program_id)
        assert program is not None
        try:
            dues, control, assignments = plan_program(session, program, settings, today, lang=lang)
        except ProgramError as error:
            report.result = RunResult.SKIPPED
            report.message = str(error)
            if not dry_run:
                session.add(
                    ProgramRun(
                        program_id=program.id, day=today, result=RunResult.SKIPPED,
                        message=report.message, finished_at=utcnow(), user=current_user(),
                    )
                )  # fmt: skip
            return report
        report.due = len(dues)
        report.control = len(control)
        left = [a for a in assignments if a.channel is None]
        report.left_out = len(left)
        report.left_out_list = [(a.due.customer_id, a.why(lang)) for a in left]
        reasons: Counter[str] = Counter()
        for a in left:
            for r in a.reasons.values():
                reasons[r] += 1
        report.left_out_reasons = dict(reasons.most_common())
        for a in assignments:
            if a.channel:
                out = report.outputs.setdefault(a.channel, ChannelOutput(a.channel))
                out.count += 1
        report.contacted = sum(o.count for o in report.outputs.values())
        if dry_run:
            report.result = RunResult.DRY_RUN
            return report
        _report(progress, cancelled, 0, 0, _("Writing the contacts and the sends", lang))
        if not dues:
            session.add(
                ProgramRun(
                    program_id=program.id, day=today, result=RunResult.NOTHING,
                    finished_at=utcnow(), user=current_user(),
                )
            )  # fmt: skip
            report.result = RunResult.NOTHING
            return report
        try:
            run = _phase1(session, program, today, control, assignments, report, lang, now)
        except CibleError as error:
            session.rollback()
            report.result = RunResult.SKIPPED
            report.message = _("nothing was sent: {error}", lang).format(error=error)
            with database.session() as other:
                other.add(
                    ProgramRun(
                        program_id=program_id, day=today, result=RunResult.SKIPPED,
                        message=report.message, finished_at=utcnow(), user=current_user(),
                    )
                )  # fmt: skip
            return report
        except IntegrityError:
            session.rollback()
            report.result = RunResult.SKIPPED
            report.message = _(
                "another run recorded some of these events meanwhile: nothing was written; run "
                "it again",
                lang,
            )
            return report
        report.run_id = run.id
    _phase2(database, report.run_id, folder, report, progress, cancelled, lang)
    report.result = RunResult.DONE
    return report


def _phase1(
    session: Session,
    program: Program,
    today: dt.date,
    control: list[Due],
    assignments: list[Assignment],
    report: RunReport,
    lang: str | None,
    now: dt.datetime | None,
) -> ProgramRun:
    run = ProgramRun(
        program_id=program.id,
        day=today,
        result=RunResult.RUNNING,
        user=current_user(),
        due=report.due,
        control=report.control,
        left_out=report.left_out,
    )
    session.add(run)
    session.flush()
    contacts: dict[tuple, ProgramContact] = {}

    def add(d: Due, channel: str | None, status: ContactStatus, control_flag: bool = False) -> None:
        contact = ProgramContact(
            program_id=program.id, run_id=run.id, customer_id=d.customer_id,
            vehicle_id=d.vehicle_id, vehicle_key=d.vehicle_id or 0, event_kind=d.event_kind,
            event_date=d.event_date, contact_date=today, channel=channel, status=status,
            is_control=control_flag,
        )  # fmt: skip
        session.add(contact)
        contacts[d.key] = contact

    for d in control:
        add(d, None, ContactStatus.CONTROL, True)
    by_channel: dict[str, list[Assignment]] = {}
    for a in assignments:
        if a.channel:
            by_channel.setdefault(a.channel, []).append(a)
    calls = {}
    for a in by_channel.get("post", []):
        add(a.due, "post", ContactStatus.LETTER)
    for a in by_channel.get("phone", []):
        add(a.due, "phone", ContactStatus.TO_CALL)
        contacts[a.due.key].reason = (
            f"{format_date(a.call_day, lang)} {a.call_hours} {' '.join(a.phones)}"
        )[:200]
        calls[a.due.key] = a
    for a in by_channel.get("sms", []) + by_channel.get("email", []):
        add(a.due, a.channel, ContactStatus.PENDING)
    session.flush()  # the UNIQUE key speaks here
    templates = templates_of(program)
    per_customer = ProgramType(program.type) in CUSTOMER_TYPES
    for part in chunks(by_channel.get("sms", [])):
        _sms(session, program, templates["sms"], part, contacts, per_customer,
             report, today, lang, now)  # fmt: skip
    for part in chunks(by_channel.get("email", [])):
        _email(session, program, templates["email"], part, contacts,
               per_customer, report, today, lang, now)  # fmt: skip
    report.contacted = sum(o.count for o in report.outputs.values())
    for out in report.outputs.values():
        for customer_id, reason in out.dropped:
            report.left_out += 1
            report.left_out_reasons[reason] = report.left_out_reasons.get(reason, 0) + 1
            report.left_out_list.append(
                (customer_id, f"{channel_label(out.channel, lang)}: {reason}")
            )
    run.contacted = report.contacted
    run.left_out = report.left_out
    run.details = json.dumps(_details(report), ensure_ascii=False)
    session.commit()
    return run


def _details(report: RunReport) -> dict[str, Any]:
    return {
        "outputs": {
            c: {"count": o.count, "funnel": o.funnel, "files": o.files, "batch_id": o.batch_id}
            for c, o in report.outputs.items()
        },
        "left_out": report.left_out_reasons,
    }


def _match(
    kept: list[Any], dropped: list[tuple[Any, str]], items: list[Assignment], per_customer: bool
) -> tuple[set[tuple], dict[tuple, str]]:
    """Which assignments a channel funnel kept, and the reason for the ones it dropped."""
    index: dict[Any, list[Assignment]] = {}
    for a in items:
        index.setdefault(a.due.customer_id if per_customer else a.due.vehicle_id, []).append(a)
    ok: set[tuple] = set()
    for r in kept:
        for a in index.get(r.customer_id if per_customer else r.vehicle_id, []):
            ok.add(a.due.key)
    why: dict[tuple, str] = {}
    for r, reason in dropped:
        for a in index.get(
            getattr(r, "customer_id", None) if per_customer else getattr(r, "vehicle_id", None), []
        ):
            why.setdefault(a.due.key, reason)
    return ok, why


#: At most this many contacts per SMS or e-mail plan and per letters document: each goes into
#: one query as a list of ids, and SQLite builds for Windows accept 32,766 of them.
CHUNK = 5000


def chunks(items: list[Assignment], size: int | None = None) -> list[list[Assignment]]:
    """*items* in chunks of about *size* (:data:`CHUNK`), one customer's items always in the
    same chunk."""
    size = size or CHUNK
    groups: dict[int, list[Assignment]] = {}
    for a in items:
        groups.setdefault(a.due.customer_id, []).append(a)
    out: list[list[Assignment]] = [[]]
    for group in groups.values():
        if out[-1] and len(out[-1]) + len(group) > size:
            out.append([])
        out[-1].extend(group)
    return [c for c in out if c]


def _add_funnel(out: ChannelOutput, funnel: Funnel) -> None:
    """Add a chunk's funnel to the channel's (counts per step added up)."""
    counts = out.step_counts
    for step in funnel.steps:
        counts[step.label] = counts.get(step.label, 0) + step.count
    lines, previous = [], None
    for label, count in counts.items():
        lines.append(
            f"{label}: {count}" if previous is None else f"{label}: {count} (-{previous - count})"
        )
        previous = count
    out.funnel = lines


def _funnel_dropped(funnel: Funnel) -> list[tuple[Any, str]]:
    return [pair for step in funnel.steps for pair in step.dropped]


def _close(
    items: list[Assignment],
    contacts: dict[tuple, ProgramContact],
    ok: set[tuple],
    why: dict[tuple, str],
    out: ChannelOutput,
    ids: dict[int, int] | None,
    attr: str,
    per_customer: bool,
    lang: str | None,
) -> None:
    for a in items:
        contact = contacts[a.due.key]
        if a.due.key in ok:
            if ids is not None:
                setattr(contact, attr, ids.get(a.due.customer_id))
            continue
        contact.status = ContactStatus.CANCELLED
        contact.reason = (why.get(a.due.key) or _("left out by the channel's checks", lang))[:200]
        out.dropped.append((a.due.customer_id, contact.reason))
        out.count -= 1


def _sms(session, program, body, items, contacts, per_customer, report, today, lang, now) -> None:  # type: ignore[no-untyped-def]
    from app.export.sms.recipients import plan_send
    from app.export.sms.sender import create_batch
    from app.export.sms.settings import load_settings as sms_settings
    from app.models.sms import SmsKind, SmsMessage

    settings = sms_settings(session)
    target = _target_for(items, per_customer, ["customer.last_name"], program.name)
    plan = plan_send(
        session.connection(), target, str(body), SmsKind.MARKETING, settings, today=today,
        now=now, lang=lang,
    )  # fmt: skip
    out = report.outputs["sms"]
    _add_funnel(out, plan.funnel)
    ok, why = _match(plan.recipients, _funnel_dropped(plan.funnel), items, per_customer)
    ids: dict[int, int] = {}
    if plan.recipients:
        batch = create_batch(
            session, plan, campaign=program.name, gateway=settings.gateway,
            template_name=program.name[:80], target_name=program.name, now=now,
        )  # fmt: skip
        out.batch_id = out.batch_id or batch.id
        for message_id, customer_id in session.execute(
            select(SmsMessage.id, SmsMessage.customer_id).where(SmsMessage.batch_id == batch.id)
        ):
            ids[customer_id] = message_id
    _close(items, contacts, ok, why, out, ids, "sms_message_id", per_customer, lang)
    _cancel_unwritten(
        items, contacts, out, "sms_message_id",
        _("one SMS per number: another customer with this number", lang),
    )  # fmt: skip


def _email(
    session, program, value, items, contacts, per_customer, report, today, lang, now
) -> None:  # type: ignore[no-untyped-def]
    from app.export.email.recipients import plan_send
    from app.export.email.sender import create_batch
    from app.export.email.settings import load_settings as email_settings
    from app.models.email import EmailKind, EmailMessage

    settings = email_settings(session)
    template = _email_template(value)
    target = _target_for(items, per_customer, ["customer.last_name"], program.name)
    plan = plan_send(
        session, target, template, EmailKind.MARKETING, settings, today=today, now=now, lang=lang
    )
    out = report.outputs["email"]
    _add_funnel(out, plan.funnel)
    ok, why = _match(plan.recipients, _funnel_dropped(plan.funnel), items, per_customer)
    ids: dict[int, int] = {}
    if plan.recipients:
        batch = create_batch(
            session, plan, settings, campaign=program.name, template_name=program.name[:80],
            target_name=program.name, now=now, lang=lang,
        )  # fmt: skip
        out.batch_id = out.batch_id or batch.id
        for message_id, customer_id in session.execute(
            select(EmailMessage.id, EmailMessage.customer_id).where(
                EmailMessage.batch_id == batch.id
            )
        ):
            ids[customer_id] = message_id
    _close(items, contacts, ok, why, out, ids, "email_message_id", per_customer, lang)
    _cancel_unwritten(
        items, contacts, out, "email_message_id",
        _("one e-mail per address: another customer with this address", lang),
    )  # fmt: skip


def _cancel_unwritten(items, contacts, out, id_column: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    """Contacts kept by the funnel whose message the journal did not write (the send keeps one
    message per number or address) are cancelled with *reason*."""
    for a in items:
        c = contacts[a.due.key]
        if c.status is not ContactStatus.CANCELLED and getattr(c, id_column) is None:
            c.status = ContactStatus.CANCELLED
            c.reason = reason
            out.dropped.append((a.due.customer_id, c.reason))
            out.count -= 1


# --- phase 2: files ---------------------------------------------------------------------------


def resume_unfinished(
    database: Database, program_id: int, folder: Path, *, lang: str | None = None
) -> int | None:
    """Write the files of a run of *program_id* a crash left ``running``; return its id."""
    with database.session() as session:
        run_id = session.execute(
            select(ProgramRun.id)
            .where(ProgramRun.program_id == program_id, ProgramRun.result == RunResult.RUNNING)
            .order_by(ProgramRun.id)
        ).scalar()
    if run_id is None:
        return None
    report = RunReport(program_id, "", RunResult.RUNNING, run_id=run_id)
    _phase2(database, run_id, folder, report, None, None, lang)
    return run_id


def _phase2(
    database: Database,
    run_id: int | None,
    folder: Path,
    report: RunReport,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    lang: str | None,
) -> None:
    assert run_id is not None
    with database.session() as session:
        run = session.get(ProgramRun, run_id)
        assert run is not None
        program = run.program
        report.program_name = report.program_name or program.name
        per_customer = ProgramType(program.type) in CUSTOMER_TYPES
        contacts = session.scalars(
            select(ProgramContact)
            .where(ProgramContact.run_id == run_id)
            .order_by(ProgramContact.id)
        ).all()
        letters = [c for c in contacts if c.status is ContactStatus.LETTER]
        calls = [c for c in contacts if c.status is ContactStatus.TO_CALL]
        stem = f"{run.day.isoformat()}_{_safe(program.name)}_{run.id}"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            details = json.loads(run.details or "{}")
        except json.JSONDecodeError:
            details = {}
        outputs = details.setdefault("outputs", {})
        templates = templates_of(program)
        if letters:
            _report(progress, cancelled, 0, len(letters), _("Writing the letters", lang))
            files = _letters(session, program, templates.get("post"), letters, per_customer,
                             folder, stem, run.day, lang)  # fmt: skip
            entry = outputs.setdefault("post", {"count": len(letters)})
            entry["files"] = files
            report.outputs.setdefault("post", ChannelOutput("post", len(letters))).files = files
            already = set(
                session.execute(
                    select(ContactHistory.customer_id).where(
                        ContactHistory.program == program.name[:80],
                        ContactHistory.contacted_at >= dt.datetime.combine(run.day, dt.time()),
                        ContactHistory.channel == ContactChannel.POST.value,
                    )
                ).scalars()
            )
            for c in letters:
                if c.customer_id in already:
                    continue
                session.add(
                    ContactHistory(
                        customer_id=c.customer_id, vehicle_id=c.vehicle_id,
                        channel=ContactChannel.POST, program=program.name[:80],
                        template=str(templates.get("post") or "")[:80], outcome=None,
                        user=current_user(), contacted_at=dt.datetime.combine(run.day, dt.time(9)),
                    )
                )  # fmt: skip
        if calls:
            _report(progress, cancelled, 0, len(calls), _("Writing the call list", lang))
            path = folder / f"{stem}_appels.xlsx"
            _call_list(session, program, str(templates.get("phone") or ""), calls, path, lang)
            entry = outputs.setdefault("phone", {"count": len(calls)})
            entry["files"] = [str(path)]
            report.outputs.setdefault("phone", ChannelOutput("phone", len(calls))).files = [
                str(path)
            ]
        run.details = json.dumps(details, ensure_ascii=False)
        run.result = RunResult.DONE
        run.finished_at = utcnow()
        session.commit()


def _letters(
    session, program, template, letters, per_customer, folder, stem, today, lang
) -> list[str]:  # type: ignore[no-untyped-def]
    from app.export.word.merge import merge_target

    items = [
        Assignment(
            Due(c.customer_id, c.vehicle_id, c.event_kind, c.event_date, c.contact_date), "post"
        )
        for c in letters
    ]
    conn = session.connection()
    parts = chunks(items)
    files: list[str] = []
    for n, part in enumerate(parts, 1):
        target = _target_for(part, per_customer, ["customer.last_name"], program.name)
        suffix = f"_{n}" if len(parts) > 1 else ""
        path = folder / f"{stem}_lettres{suffix}.docx"
        labels = folder / f"{stem}_etiquettes{suffix}.docx"
        merge_target(conn, target, path, template=letter_path(str(template)), today=today,
                     lang="fr", funnel_lang=lang)  # fmt: skip
        merge_target(conn, target, labels, labels="3x8", today=today, lang="fr", funnel_lang=lang)
        files += [str(path), str(labels)]
    return files


def _call_list(session, program, script, calls, path: Path, lang) -> None:  # type: ignore[no-untyped-def]
    from app.export.excel import write_workbook
    from app.export.sms.templates import catalog_key, placeholders, render
    from app.query.catalog import get_field
    from app.query.engine import iter_rows

    names = [n for n in placeholders(script) if catalog_key(n)]
    keys = [catalog_key(n) for n in names]
    base = ["customer.civility", "customer.last_name", "customer.first_name",
            "customer.phone_mobile", "customer.phone_home", "customer.phone_work",
            "vehicle.brand", "vehicle.model", "vehicle.plate"]  # fmt: skip
    columns = list(dict.fromkeys(base + keys))  # type: ignore[arg-type]
    items = [
        Assignment(
            Due(c.customer_id, c.vehicle_id, c.event_kind, c.event_date, c.contact_date), "phone"
        )
        for c in calls
    ]
    per_customer = ProgramType(program.type) in CUSTOMER_TYPES
    target = _target_for(items, per_customer, columns, program.name)
    fields = [get_field(k) for k in columns]
    by_row: dict[Any, Any] = {}
    for row in iter_rows(
        session.connection(), target, today=calls[0].contact_date, columns=columns
    ):
        key = row.customer_id if per_customer else row.vehicle_id
        by_row.setdefault(key, row)
    from app.query.catalog import current_language

    lang_ = current_language(lang)
    rows = []
    for c in calls:
        row = by_row.get(c.customer_id if per_customer else c.vehicle_id)
        if row is None:
            continue
        values = dict(zip(columns, row.values, strict=True))
        shown = {k: fields[columns.index(k)].format_value(values[k], lang_) for k in columns}
        merge = {n: shown[k] for n, k in zip(names, keys, strict=True)}
        rows.append(
            [
                " ".join(
                    p
                    for p in (
                        shown["customer.civility"],
                        shown["customer.last_name"],
                        shown["customer.first_name"],
                    )
                    if p
                ),  # fmt: skip
                " ".join(
                    p
                    for p in (
                        shown["vehicle.brand"],
                        shown["vehicle.model"],
                        shown["vehicle.plate"],
                    )
                    if p
                ),  # fmt: skip
                _event_label(c.event_kind, lang) + " " + format_date(c.event_date, lang),
                shown["customer.phone_mobile"],
                shown["customer.phone_home"],
                shown["customer.phone_work"],
                c.reason or "",
                render(script, merge),
            ]
        )
    write_workbook(path, call_list_fields(lang), rows, lang=lang)


def _event_label(kind: str, lang: str | None) -> str:
    from app.programs import labels

    return labels.event_label(kind, lang)


def call_list_fields(lang: str | None) -> list[Any]:
    from app.programs import labels

    return labels.call_list_fields(lang)
