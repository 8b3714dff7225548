"""Loyalty programs (issue 15): reminders that run themselves, by each customer's channel,
never twice for one event. Pure Python, no Qt.

Modules
-------
* :mod:`app.models.programs` — ``Program``, ``ProgramRun``, ``ProgramContact`` (UNIQUE key
  customer + vehicle_key + event kind + event date: never twice, enforced by the database).
* :mod:`app.programs.rules` — one set-based rule per :class:`~app.models.programs.ProgramType`;
  :func:`~app.programs.rules.due` lists the reminders due between two dates.
* :mod:`app.programs.channels` — channel by preference, permissions, call rules (COMPLIANCE §7),
  the monthly cap.
* :mod:`app.programs.runner` — processing a run (journal + files), resume after a crash.
* :mod:`app.programs.dashboard` — what the dashboard window shows and does.
* :mod:`app.programs.effectiveness` — did it work: came back, revenue, control group.
* :mod:`app.programs.schedule` — Windows Task Scheduler (schtasks / task XML) and cron.
* :mod:`app.programs.defaults` — one program per type with sensible defaults.
* :mod:`app.programs.settings` — the settings (cap, service intervals, call rules...).
* :mod:`app.programs.labels` — the words for types, events, schedules and results.

API for the dashboard window
----------------------------
Every function takes a :class:`~app.models.db.Database` and a fixed ``today`` (tests fix it;
the window passes ``datetime.date.today()``), and ``lang`` for the messages it returns.

``list_programs(database, today, lang=None) -> list[ProgramLine]``
    One line per program, sorted by name: ``id``, ``name``, ``type`` (label:
    ``labels.type_label(line.type)``), ``due_this_month`` (from the catch-up window to the end
    of this month), ``due_next_month``, ``next_processing`` (date or ``None`` when paused or
    past), ``owner``, ``paused``, ``last_run_at``, ``last_result`` (``RunResult``; label:
    ``labels.result_label``), ``last_message`` (why it was skipped), ``problems`` (list of one-line
    reasons the program cannot run — target deleted, template missing or broken, a channel with
    no settings; ``line.status`` joins them). Runs queries: call it from a background task.
``set_paused(database, program_id, paused)``
    Pause / resume.
``run_now(database, program_id, today, dry_run=False, out_dir=None, progress=None,
cancelled=None, lang=None) -> RunReport``
    Process one program now. ``progress(done, total, text)`` is called between steps (it may
    raise to stop); ``cancelled()`` returning true stops with
    :class:`~app.programs.runner.RunCancelled` — before the journal is written nothing is
    recorded; after, the files are finished by the next run. :class:`RunReport`: ``result``,
    ``message``, ``due``, ``control``, ``contacted``, ``left_out``, ``left_out_reasons`` (reason
    → count), ``left_out_list`` ((customer id, reason), the funnel's "why"), ``outputs``
    (channel → :class:`~app.programs.runner.ChannelOutput`: ``count``, ``funnel`` lines,
    ``files`` written, ``batch_id`` of the SMS / e-mail send, ``dropped``), ``summary_line()``.
    Errors a user can act on are :class:`app.errors.CibleError` (one line).
``due_programs(database, today) -> list[int]``
    Programs whose schedule processes them today and that have not run today: offer them at
    start-up.
``effectiveness.program_series(database, program_id, settings=None) -> list[RunEffect]``
    (:mod:`app.programs.effectiveness`) per run, in date order: contacted, came back, revenue,
    the control group's figures, the difference with its 95 % confidence interval, or
    ``comparison.enough_data`` false ("not enough data yet"): the data of the chart.
    ``effectiveness.program_total(database, program_id)``: all runs together.
``schedule.schtasks_command(...)``, ``schedule.task_xml(...)``, ``schedule.cron_line(...)``
    For the settings dialog: register ``run-programs`` in Windows Task Scheduler, or the cron
    line to show elsewhere.
``defaults.install_defaults(session)``, ``defaults.new_program(type)``
    The default program of each type (the "New program" button starts from ``new_program``).
``settings.load_settings(session)`` / ``settings.save_settings(session, s)``
    :class:`~app.programs.settings.ProgramSettings`.

Editing a program is editing the :class:`~app.models.programs.Program` row in a session:
``channels`` is "post,email,sms,phone" in order; ``templates`` is JSON ``{channel: template}``
(post: a .docx path, relative ones are looked up in ``app/resources/templates``; sms: the text with
{merge fields}; email: ``{"subject": ..., "html": ...}``; phone: the call script);
``runner.problems(session, program)`` checks it before saving.
"""

from app.programs.dashboard import (
    ProgramLine,
    due_programs,
    is_due_today,
    list_programs,
    next_processing,
    run_now,
    set_paused,
)
from app.programs.runner import ChannelOutput, RunCancelled, RunReport, problems, run_program

__all__ = [
    "ChannelOutput",
    "ProgramLine",
    "RunCancelled",
    "RunReport",
    "due_programs",
    "is_due_today",
    "list_programs",
    "next_processing",
    "problems",
    "run_now",
    "run_program",
    "set_paused",
]
