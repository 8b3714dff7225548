"""The validation report as an .xlsx: a summary sheet and one row per problem.

Written with XlsxWriter in ``constant_memory`` mode, row by row (never through pandas, which
drops data in that mode: shared/PERFORMANCE.md), so a report of 100,000 problems stays small
in memory.
"""

from __future__ import annotations

from pathlib import Path

from app import files
from app.dms.validate import Severity, ValidationReport
from app.i18n import _, format_count, format_date


def summary_lines(report: ValidationReport) -> list[tuple[str, str]]:
    """The summary as (label, value) pairs, in the user's language."""

    def count(n: int | None) -> str:
        return "" if n is None else format_count(n)

    lines = [
        (_("File"), report.file),
        (_("Profile"), report.profile or ""),
        (_("Rows read"), count(report.rows_read)),
        (_("Rows accepted"), count(report.accepted)),
        (_("Rows rejected"), count(report.rejected)),
        (_("Rows accepted with warnings"), count(report.rows_with_warnings)),
        (_("Errors"), count(report.errors)),
        (_("Warnings"), count(report.warnings)),
        (_("Rows whose customer has another name in Cible"), count(report.name_mismatches)),
        (_("New"), count(report.new)),
        (_("Updated"), count(report.updated)),
        (_("Unchanged"), count(report.unchanged)),
    ]
    names = {
        "read": _("Reading (s)"),
        "dates": _("Dates (s)"),
        "phones": _("Phone numbers (s)"),
        "postal_codes": _("Postal codes (s)"),
        "other_values": _("Other values (s)"),
        "checks": _("Row checks (s)"),
    }
    lines += [(names[k], f"{v:.3f}") for k, v in report.timings.items()]
    return lines


def write_report(report: ValidationReport, path: Path | str) -> None:
    """Save *report* as an .xlsx at *path* (sheets "Summary", "Problems" and "Changes": the
    vehicles that changed owner), through :mod:`app.files` (complete or not at all)."""
    with files.atomic_path(path) as tmp:
        _write(report, tmp)


def _write(report: ValidationReport, path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        bold = workbook.add_format({"bold": True})
        summary = workbook.add_worksheet(_("Summary"))
        summary.set_column(0, 0, 32)
        summary.set_column(1, 1, 40)
        for row, (label, value) in enumerate(summary_lines(report)):
            summary.write_string(row, 0, label, bold)
            summary.write_string(row, 1, value)
        sheet = workbook.add_worksheet(_("Problems"))
        headers = (_("Row"), _("Column"), _("Value"), _("Severity"), _("Problem"))
        for column, (header, width) in enumerate(zip(headers, (8, 24, 30, 12, 80), strict=True)):
            sheet.set_column(column, column, width)
            sheet.write_string(0, column, header, bold)
        severity = {Severity.ERROR: _("Error"), Severity.WARNING: _("Warning")}
        for row, problem in enumerate(report.problems, start=1):
            sheet.write_number(row, 0, problem.row)
            sheet.write_string(row, 1, problem.column)
            sheet.write_string(row, 2, problem.value)
            sheet.write_string(row, 3, severity[problem.severity])
            sheet.write_string(row, 4, problem.message)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(report.problems), 1), len(headers) - 1)
        changes = workbook.add_worksheet(_("Changes"))
        headers = (_("Row"), _("Vehicle"), _("Former owner"), _("Former owner's name"),
                   _("New owner"), _("New owner's name"), _("Date"))  # fmt: skip
        for column, (header, width) in enumerate(
            zip(headers, (8, 34, 14, 30, 14, 30, 12), strict=True)
        ):
            changes.set_column(column, column, width)
            changes.write_string(0, column, header, bold)
        for row, change in enumerate(report.changes, start=1):
            changes.write_number(row, 0, change.row)
            changes.write_string(row, 1, change.vehicle)
            changes.write_string(row, 2, change.former_ref)
            changes.write_string(row, 3, change.former_name)
            changes.write_string(row, 4, change.new_ref)
            changes.write_string(row, 5, change.new_name)
            changes.write_string(row, 6, format_date(change.date))
        changes.freeze_panes(1, 0)
    finally:
        workbook.close()
