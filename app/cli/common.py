"""What every command shares: one clear line and exit code 2 on bad input, never a traceback."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable

from app.errors import CibleError

EXIT_USAGE = 2


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
            f"--today {text!r} is not a date: use YYYY-MM-DD, for example 2026-11-23."
        ) from None


def error_line(message: str) -> str:
    return "cible: error: " + " ".join(str(message).split())


def run_command(func: Callable[[list[str]], int], argv: list[str]) -> int:
    """Run a command's ``main``; turn user-facing errors into one line on stderr and exit 2."""
    try:
        return func(argv)
    except CibleError as error:
        print(error_line(str(error)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cible: interrupted", file=sys.stderr)
        return 130
