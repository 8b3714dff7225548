"""The whole merge: checks, the postal funnel, letters or labels, PDF; the contact history."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert

from app.export.postal import PostalFunnel, postal_funnel
from app.export.word.checks import Precheck, letter_checks, placeholders_refused
from app.export.word.compute import FieldRef, Letter, _Values
from app.export.word.errors import MergeError, _report
from app.export.word.fields import _HELPER_COLUMNS, HELPERS_BY_KEY
from app.export.word.labels import (
    LABEL_LAYOUTS,
    LabelLayout,
    _check_offset,
    labels_cut,
    write_labels,
)
from app.export.word.letters import write_letters
from app.export.word.pdf import check_pdf_path, convert_to_pdf
from app.export.word.template import LetterTemplate
from app.i18n import _, normalize_language
from app.models.activity import ContactHistory
from app.models.base import utcnow
from app.models.enums import ContactChannel
from app.query.catalog import get_field
from app.query.engine import ResultRow
from app.query.target import Target


@dataclass
class MergeResult:
    """What a merge wrote."""

    path: Path
    funnel: PostalFunnel | None
    #: (customer id, vehicle id or None) per letter or label, in order.
    letters: list[tuple[int, int | None]] = field(default_factory=list)
    labels: bool = False
    pdf_path: Path | None = None
    #: Things the user should know before printing (no merge field in the template...).
    warnings: list[str] = field(default_factory=list)
    #: Recipients (name lines) whose label is cut even with its text shrunk to 7 pt.
    cut_labels: list[str] = field(default_factory=list)
    #: What was checked before printing (placeholders, past due dates...).
    check: Precheck | None = None

    @property
    def count(self) -> int:
        return len(self.letters)


def _letters(funnel: PostalFunnel, per_vehicle: bool) -> list[Letter]:
    letters = []
    for recipient in funnel.recipients:
        rows: list[ResultRow | None] = list(recipient.rows) or [None]
        if per_vehicle:
            for row in rows:
                letters.append(Letter(recipient, row, len(letters) + 1))
        else:
            letters.append(Letter(recipient, rows[0], len(letters) + 1))
    return letters


def _needed_columns(target: Target, keys: Iterable[str]) -> list[str]:
    columns = [k for k in target.columns if get_field(k).displayable]
    for key in keys:
        for needed in _HELPER_COLUMNS.get(key, ()) if key in HELPERS_BY_KEY else (key,):
            if needed not in columns:
                columns.append(needed)
    return columns


@dataclass
class _Plan:
    """A merge read and counted, not yet written."""

    template: LetterTemplate | None
    layout: LabelLayout | None
    keys: list[str]
    columns: list[str]
    funnel: PostalFunnel
    letters: list[Letter]
    values: _Values


def _layout(labels: LabelLayout | str | None, offset: int, lang: str | None) -> LabelLayout | None:
    if isinstance(labels, str) and labels not in LABEL_LAYOUTS:
        raise MergeError(
            _("Unknown label layout {layout!r}: use {layouts}.", lang).format(
                layout=labels, layouts=", ".join(LABEL_LAYOUTS)
            )
        )
    layout = LABEL_LAYOUTS[labels] if isinstance(labels, str) else labels
    if layout is not None:
        _check_offset(layout, offset)
    return layout


def _read_template(
    template: str | os.PathLike[str] | None, layout: LabelLayout | None, lang: str | None
) -> LetterTemplate | None:
    if template is None and layout is None:
        raise MergeError(_("A letter needs a template (.docx).", lang))
    return LetterTemplate(template) if template is not None else None


def _plan(
    conn: Connection,
    target: Target,
    letter_template: LetterTemplate | None,
    layout: LabelLayout | None,
    *,
    today: dt.date,
    per_vehicle: bool,
    household: bool,
    contacted_within_days: int | None,
    lang: str,
    funnel_lang: str | None,
    progress: Callable[[int, int, str], None] | None,
    cancelled: Callable[[], bool] | None,
) -> _Plan:
    """Match the template's fields, run the postal funnel, make the letters."""
    if letter_template is not None:
        keys = letter_template.resolve(target)
        refs = letter_template.refs
    else:
        keys = ["letter.address_block"]
        refs = [FieldRef("Bloc adresse", "placeholder", key="letter.address_block")]
    columns = _needed_columns(target, keys)
    _report(progress, cancelled, 0, 0, "")
    funnel = postal_funnel(
        conn,
        target,
        today=today,
        household=household,
        contacted_within_days=contacted_within_days,
        columns=columns,
        lang=funnel_lang,
        progress=(lambda d, t, s: _report(progress, cancelled, 0, 0, s)),
    )
    if not funnel.recipients:
        raise MergeError(
            _("Nobody is left to write to after the postal checks: {steps}.", funnel_lang).format(
                steps="; ".join(funnel.summary_lines())
            )
        )
    letters = _letters(funnel, per_vehicle and layout is None)
    every_address = {r.customer_id: r.address for r in funnel.recipients}
    others = [m for r in funnel.recipients for m in r.household[1:]]
    if others:
        from app.export.postal import read_addresses

        every_address.update(read_addresses(conn, others))
    values = _Values(refs, columns, today, lang, every_address)
    return _Plan(letter_template, layout, keys, columns, funnel, letters, values)


def _checks(plan: _Plan, today: dt.date) -> Precheck:
    check = Precheck(count=len(plan.letters), today=today)
    if plan.template is not None:
        check.placeholders = plan.template.placeholders
    letter_checks(check, plan.letters, plan.keys, plan.columns, today)
    if plan.layout is not None:
        check.layout = plan.layout.key
    return check


def precheck_merge(
    conn: Connection,
    target: Target,
    *,
    template: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
    per_vehicle: bool = False,
    household: bool = False,
    contacted_within_days: int | None = None,
    labels: LabelLayout | str | None = None,
    offset: int = 0,
    lang: str = "fr",
    funnel_lang: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Precheck:
    """What :func:`merge_target` with the same options would warn about, found without writing
    anything: placeholders left in the template, past due dates, empty site details, labels cut
    even in 7 pt (the same fit computation as the labels themselves). Raises as
    :func:`merge_target` does for a template or options it would refuse."""
    today = today or dt.date.today()
    lang = normalize_language(lang)
    layout = _layout(labels, offset, funnel_lang)
    letter_template = _read_template(template, layout, funnel_lang)
    plan = _plan(
        conn,
        target,
        letter_template,
        layout,
        today=today,
        per_vehicle=per_vehicle,
        household=household,
        contacted_within_days=contacted_within_days,
        lang=lang,
        funnel_lang=funnel_lang,
        progress=progress,
        cancelled=cancelled,
    )
    check = _checks(plan, today)
    if layout is not None:
        cut = labels_cut(letter_template, plan.letters, plan.values, layout, cancelled=cancelled)
        check.cut_labels = [x.recipient.address.recipient for x in cut]
    return check


def merge_target(
    conn: Connection,
    target: Target,
    out: str | os.PathLike[str],
    *,
    template: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
    per_vehicle: bool = False,
    household: bool = False,
    contacted_within_days: int | None = None,
    labels: LabelLayout | str | None = None,
    offset: int = 0,
    pdf: str | os.PathLike[str] | None = None,
    lang: str = "fr",
    funnel_lang: str | None = None,
    allow_placeholders: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MergeResult:
    """Merge *target* into letters (``template``) or labels (``labels``) written to *out*.

    The template's fields are checked first (:class:`UnknownMergeFieldError`), then the postal
    funnel runs and the document is written. ``progress(done, total, text)`` may raise to stop;
    ``cancelled()`` returning true stops with :class:`MergeCancelled`. Nothing is written to *out*
    unless the merge completes. ``lang`` is the letters' language (dates, yes/no, enum labels);
    ``funnel_lang`` that of the funnel's steps and reasons (default: the application's).

    ``MergeResult.warnings`` says what to look at before printing (see :class:`Precheck`):
    ``[text]`` left in the template (refused before anything is done when
    ``allow_placeholders`` is false), past due dates, empty site details, labels cut even in
    7 pt, a template without merge fields. :func:`precheck_merge` finds the same without
    writing.
    """
    today = today or dt.date.today()
    lang = normalize_language(lang)
    out = Path(out)
    layout = _layout(labels, offset, funnel_lang)
    if template is not None and Path(template).resolve() == out.resolve():
        raise MergeError(
            _(
                "{path} is the template itself: write the letters to another file.", funnel_lang
            ).format(path=out)
        )
    if pdf is not None:
        check_pdf_path(pdf, funnel_lang)
    letter_template = _read_template(template, layout, funnel_lang)
    if letter_template is not None and not allow_placeholders and letter_template.placeholders:
        raise MergeError(
            placeholders_refused(
                Path(template or "").name, letter_template.placeholders, funnel_lang
            )
        )
    plan = _plan(
        conn,
        target,
        letter_template,
        layout,
        today=today,
        per_vehicle=per_vehicle,
        household=household,
        contacted_within_days=contacted_within_days,
        lang=lang,
        funnel_lang=funnel_lang,
        progress=progress,
        cancelled=cancelled,
    )
    check = _checks(plan, today)
    letters = plan.letters
    if layout is not None:
        cut = write_labels(
            letter_template,
            letters,
            plan.values,
            out,
            layout,
            offset=offset,
            progress=progress,
            cancelled=cancelled,
        )
        check.cut_labels = [x.recipient.address.recipient for x in cut]
    else:
        assert letter_template is not None
        write_letters(
            letter_template, letters, plan.values, out, progress=progress, cancelled=cancelled
        )
    result = MergeResult(
        path=out,
        funnel=plan.funnel,
        letters=[(x.recipient.customer_id, x.row.vehicle_id if x.row else None) for x in letters],
        labels=layout is not None,
        cut_labels=check.cut_labels,
        check=check,
    )
    result.warnings.extend(check.warnings(funnel_lang))
    if letter_template is not None and not letter_template.field_names:
        result.warnings.append(
            _(
                "{file} has no merge field: every letter is the same. Insert fields such as "
                "«Nom» where each customer's details go.",
                funnel_lang,
            ).format(file=Path(template or "").name)
        )
    if pdf is not None:
        try:
            result.pdf_path = convert_to_pdf(out, pdf)
        except BaseException:
            out.unlink(missing_ok=True)  # no letters without the PDF that was asked for
            raise
    return result


# --- contact history ---------------------------------------------------------------------------


def record_mailing(
    connection: Any,
    letters: Iterable[tuple[int, int | None]],
    *,
    campaign: str,
    template: str = "",
    when: dt.datetime | None = None,
    user: str = "",
) -> int:
    """Record one postal contact per letter in the contact history (so that later sends can
    leave out people contacted recently). *connection* is a Session or a Connection inside a
    transaction. Returns how many contacts were recorded."""
    when = when or utcnow()
    rows = [
        {
            "customer_id": customer_id,
            "vehicle_id": vehicle_id,
            "channel": ContactChannel.POST.value,
            "contacted_at": when,
            "campaign": campaign.strip()[:80] or None,
            "template": Path(template).name[:80] if template else None,
            "program": "mailing",
            "user": user[:80],
        }
        for customer_id, vehicle_id in letters
    ]
    if rows:
        connection.execute(insert(ContactHistory.__table__), rows)
    return len(rows)
