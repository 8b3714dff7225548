"""What every command shares: one clear line and exit code 2 on bad input, never a traceback."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from app import i18n
from app.errors import CibleError
from app.i18n import N_, _

if TYPE_CHECKING:
    from app.export.waiting import WaitingSend

EXIT_USAGE = 2

#: argparse's own messages (usage, errors), so the commands' help and errors are in the user's
#: language too: argparse looks its ``_``/``ngettext`` up at call time, and Cible's catalog holds
#: their French (extracted from here).
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)
argparse._ = lambda message: i18n._(message)  # type: ignore[attr-defined]
argparse.ngettext = lambda s, p, n: i18n.ngettext(s, p, n)  # type: ignore[attr-defined]


class CommandError(CibleError):
    """Bad input to a command: printed as one line, exit code 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every error is reported the same way."""

    def error(self, message: str):  # type: ignore[override]
        raise CommandError(message)


def parse_today(text: str | None) -> dt.date:
    """``--today YYYY-MM-DD`` (the date relative criteria count from); today when absent."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _("--today {value} is not a date: use YYYY-MM-DD, for example 2026-11-23.").format(
                value=repr(text)
            )
        ) from None


def error_line(message: str) -> str:
    return _("cible: error: {message}").format(message=" ".join(str(message).split()))


def language_of(argv: list[str]) -> str:
    """The language a command speaks: its ``--lang`` (read before the rest is parsed, so that
    errors in the other options are in it too), else the system's locale."""
    for i, word in enumerate(argv):
        if word == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith("--lang="):
            return word.split("=", 1)[1]
    return i18n.system_locale()


def set_command_language(argv: list[str]) -> str:
    """Make the command's language (see :func:`language_of`) current; return ``"fr"``/``"en"``."""
    wanted = language_of(argv)
    try:
        i18n.set_language(wanted)
    except ValueError:
        i18n.set_language(i18n.normalize_language(wanted))
    return i18n.language()


def run_command(func: Callable[[list[str]], int], argv: list[str]) -> int:
    """Run a command's ``main`` in the user's language; turn user-facing errors into one line on
    stderr and exit 2."""
    set_command_language(argv)
    try:
        return func(argv)
    except CibleError as error:
        print(error_line(str(error)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(_("cible: interrupted"), file=sys.stderr)
        return 130


# --- sends still waiting (send-sms, send-email) ------------------------------------------------


def add_pending_options(parser: argparse.ArgumentParser, leave_help: str) -> None:
    """``--resume-pending``, ``--cancel-pending``, ``--leave-pending`` (one at most, in
    ``args.pending``: ``"resume"``, ``"cancel"``, ``"leave"`` or ``None``)."""
    waiting = parser.add_mutually_exclusive_group()
    waiting.add_argument(
        "--resume-pending",
        action="store_const",
        dest="pending",
        const="resume",
        help=_("send the messages of earlier sends still waiting, then this one"),
    )
    waiting.add_argument(
        "--cancel-pending",
        action="store_const",
        dest="pending",
        const="cancel",
        help=_("cancel the messages of earlier sends still waiting"),
    )
    waiting.add_argument(
        "--leave-pending", action="store_const", dest="pending", const="leave", help=leave_help
    )


def settle_waiting(
    waiting: Sequence[WaitingSend],
    choice: str | None,
    lang: str,
    *,
    dry_run: bool,
    later: str,
    cancel: Callable[[int], object],
    resume: Callable[[], int | None],
) -> int | None:
    """Before anything new is made: print the sends still waiting, then settle them as
    *choice* says (``"cancel"``: *cancel* each send's id; ``"resume"``: *resume*; ``"leave"``:
    nothing). Without a choice (and not a dry run) the command, which runs unattended, stops
    with exit code 2 naming them; *later* says what sends the waiting ones when left. Returns
    the exit code to stop with (what *resume* returned), or ``None`` to go on."""
    for send in waiting:
        print(send.describe(lang) + ".")
    if not waiting or dry_run:
        return None
    if choice is None:
        raise CommandError(
            _(
                "{waiting}: add --resume-pending to send them first, --cancel-pending "
                "to cancel them, or --leave-pending to leave them for {later}.",
                lang,
            ).format(waiting="; ".join(w.describe(lang) for w in waiting), later=later)
        )
    if choice == "cancel":
        for send in waiting:
            cancel(send.batch_id)
    elif choice == "resume":
        return resume()
    return None
