"""``python -m app`` / ``cible``: the window, or a command for scripts and scheduled tasks.

    python -m app [--db PATH] [--demo] [--lang fr|en]       open the window
    python -m app COMMAND ...                               run a command (see --help)
"""

from __future__ import annotations

import importlib
import sys

#: Sub-command → module in app.cli exposing ``main(argv: list[str]) -> int``.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("app.cli.demo", "write a demo dealership database"),
    "run-target": ("app.cli.run_target", "run a target file and write its rows to CSV or Excel"),
    "export-excel": ("app.cli.export_excel", "export a target to an Excel workbook"),
    "merge-word": ("app.cli.merge_word", "merge a target into a Word template (letters or labels)"),
    "send-sms": ("app.cli.send_sms", "send (or dry-run) an SMS to a target"),
    "send-pending": ("app.cli.send_pending", "send the SMS whose scheduled time has come"),
}


def _available() -> dict[str, tuple[str, str]]:
    found = {}
    for name, (module, help_text) in COMMANDS.items():
        if importlib.util.find_spec(module) is not None:
            found[name] = (module, help_text)
    return found


def _usage() -> str:
    lines = [
        "usage: python -m app [--db PATH] [--demo] [--lang fr|en]",
        "       python -m app COMMAND [options]   (COMMAND --help for its options)",
        "",
        "commands:",
    ]
    lines += [f"  {name:<14} {help_text}" for name, (_, help_text) in _available().items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    commands = _available()
    if argv and not argv[0].startswith("-"):
        name = argv[0]
        if name not in commands:
            print(f"cible: error: unknown command {name!r}\n{_usage()}", file=sys.stderr)
            return 2
        from app.cli.common import run_command

        module = importlib.import_module(commands[name][0])
        return run_command(module.main, argv[1:])
    from app.ui.application import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())
