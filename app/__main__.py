"""``python -m app`` / ``cible``: the window, or a command for scripts and scheduled tasks.

python -m app [--db PATH] [--demo] [--lang fr|en]       open the window
python -m app [options] TARGET.cible                    open the window on a target file
python -m app COMMAND ...                               run a command (see --help)
"""

from __future__ import annotations

import importlib
import sys

from app.i18n import N_, _

#: Sub-command → module in app.cli exposing ``main(argv: list[str]) -> int``.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("app.cli.demo", N_("write a demo dealership database")),
    "run-target": (
        "app.cli.run_target",
        N_("run a target file and write its rows to CSV or Excel"),
    ),
    "export-excel": ("app.cli.export_excel", N_("export a target to an Excel workbook")),
    "merge-word": (
        "app.cli.merge_word",
        N_("merge a target into a Word template (letters or labels)"),
    ),
    "send-sms": ("app.cli.send_sms", N_("send (or dry-run) an SMS to a target")),
    "send-pending": ("app.cli.send_pending", N_("send the SMS whose scheduled time has come")),
    "send-email": ("app.cli.send_email", N_("send (or dry-run) an e-mail to a target")),
    "import": ("app.cli.import_", N_("import a DMS extract (customers, vehicles, invoices, sales)")),
    "run-programs": ("app.cli.run_programs", N_("process the loyalty programs that are due")),
}


def _available() -> dict[str, tuple[str, str]]:
    found = {}
    for name, (module, help_text) in COMMANDS.items():
        if importlib.util.find_spec(module) is not None:
            found[name] = (module, help_text)
    return found


def _is_target_file(arg: str) -> bool:
    from app.query.targetfile import SUFFIXES

    return arg.lower().endswith(SUFFIXES)


def _usage() -> str:
    lines = [
        _("usage: python -m app [--db PATH] [--demo] [--lang fr|en]"),
        _("       python -m app COMMAND [options]   (COMMAND --help for its options)"),
        "",
        _("commands:"),
    ]
    lines += [f"  {name:<14} {_(help_text)}" for name, (_module, help_text) in _available().items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and (argv[0] in ("-h", "--help") or not argv[0].startswith("-")):
        from app.cli.common import set_command_language

        set_command_language(argv)
    if argv and argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    commands = _available()
    if argv and not argv[0].startswith("-"):
        name = argv[0]
        if name not in commands and _is_target_file(name):
            from app.ui.application import run_gui

            return run_gui(argv)  # a double-clicked target file (Windows file association)
        if name not in commands:
            print(
                _("cible: error: unknown command {name!r}\n{usage}").format(
                    name=name, usage=_usage()
                ),
                file=sys.stderr,
            )
            return 2
        from app.cli.common import run_command

        module = importlib.import_module(commands[name][0])
        return run_command(module.main, argv[1:])
    from app.ui.application import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())
