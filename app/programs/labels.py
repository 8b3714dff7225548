"""Words the programs show: types, events, schedules, results, the call list's columns."""

from __future__ import annotations

from typing import Any

from app.i18n import N_, _
from app.models.programs import ProgramSchedule, ProgramType, RunResult

TYPE_LABELS: dict[ProgramType, str] = {
    ProgramType.PRE_WELCOME: N_("Pre-welcome (order signed)"),
    ProgramType.WELCOME: N_("Welcome (vehicle delivered)"),
    ProgramType.COURTESY_CALL: N_("Courtesy call 24-48 h"),
    ProgramType.COURTESY_6M: N_("Courtesy call 6 months"),
    ProgramType.ANNIVERSARY: N_("Purchase anniversary"),
    ProgramType.SERVICE: N_("Service reminder"),
    ProgramType.INSPECTION: N_("Roadworthiness test (CT) due"),
    ProgramType.WARRANTY_END: N_("Warranty end"),
    ProgramType.EXT_WARRANTY_END: N_("Extended warranty end"),
    ProgramType.MOBILITY_END: N_("Mobility guarantee end"),
    ProgramType.THANKS_WORKSHOP: N_("Thank-you after a workshop visit"),
    ProgramType.THANKS_PURCHASE: N_("Thank-you after a purchase"),
    ProgramType.GREETINGS: N_("Season's greetings"),
    ProgramType.NEWSLETTER: N_("Newsletter"),
}

EVENT_LABELS: dict[str, str] = {
    "order": N_("order signed"),
    "welcome": N_("delivery"),
    "courtesy_call": N_("delivery"),
    "courtesy_6m": N_("6 months after delivery"),
    "anniversary": N_("purchase anniversary"),
    "service_due": N_("service due"),
    "inspection_due": N_("CT due"),
    "warranty_end": N_("warranty end"),
    "ext_warranty_end": N_("extended warranty end"),
    "mobility_end": N_("mobility guarantee end"),
    "workshop_visit": N_("workshop visit"),
    "purchase": N_("purchase"),
    "greetings": N_("season's greetings"),
    "newsletter": N_("newsletter"),
}

SCHEDULE_LABELS: dict[ProgramSchedule, str] = {
    ProgramSchedule.DAILY: N_("every day"),
    ProgramSchedule.WEEKLY: N_("every week"),
    ProgramSchedule.MONTHLY: N_("every month"),
    ProgramSchedule.DATE: N_("on a date"),
}

RESULT_LABELS: dict[RunResult, str] = {
    RunResult.RUNNING: N_("running or interrupted"),
    RunResult.DONE: N_("done"),
    RunResult.NOTHING: N_("nothing due"),
    RunResult.SKIPPED: N_("skipped"),
    RunResult.FAILED: N_("failed"),
    RunResult.DRY_RUN: N_("dry run"),
}

#: The call list's columns: (key, English header).
CALL_LIST_COLUMNS = (
    ("customer", N_("Customer")),
    ("vehicle", N_("Vehicle")),
    ("event", N_("Event")),
    ("mobile", N_("Mobile")),
    ("home", N_("Home phone")),
    ("work", N_("Work phone")),
    ("when", N_("When to call (numbers allowed)")),
    ("script", N_("Script")),
)


def type_label(kind: ProgramType | str, lang: str | None = None) -> str:
    return _(TYPE_LABELS[ProgramType(kind)], lang)


def event_label(kind: str, lang: str | None = None) -> str:
    return _(EVENT_LABELS.get(kind, kind), lang)


def schedule_label(kind: ProgramSchedule | str, lang: str | None = None) -> str:
    return _(SCHEDULE_LABELS[ProgramSchedule(kind)], lang)


def result_label(result: RunResult | str, lang: str | None = None) -> str:
    return _(RESULT_LABELS[RunResult(result)], lang)


def call_list_fields(lang: str | None = None) -> list[Any]:
    """Catalog-like text fields for :func:`app.export.excel.write_workbook`."""
    from app.query.catalog import Entity, Field, FieldType

    return [
        Field(
            key=f"call.{key}",
            group="call",
            type=FieldType.TEXT,
            fr=_(header, "fr"),
            en=_(header, "en"),
            entity=Entity.CUSTOMER,
            compute=lambda *a: None,
        )
        for key, header in CALL_LIST_COLUMNS
    ]
