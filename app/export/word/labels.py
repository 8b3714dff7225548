"""Laying out address labels on A4 sheets."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from app.export.word.compute import Letter
from app.export.word.errors import MergeError, _report
from app.export.word.letters import _write_atomically
from app.export.word.template import LetterTemplate
from app.export.word.xml import (
    TOKEN_END,
    TOKEN_START,
    W_P,
    W_PPR,
    W_SECTPR,
    W_TBL,
    WP_DOCPR,
    XML_SPACE,
    _el,
    _fill,
    _twips,
)
from app.i18n import _, format_count, format_number


@dataclass(frozen=True)
class LabelLayout:
    """An A4 sheet of labels (all sizes in millimetres)."""

    key: str
    columns: int
    rows: int
    width: float
    height: float
    top: float
    side: float
    gap: float
    reference: str

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def describe(self, lang: str | None = None) -> str:
        return _(
            "{columns} × {rows} ({count} labels of {width} × {height} mm, like {reference})", lang
        ).format(
            columns=self.columns,
            rows=self.rows,
            count=format_count(self.per_sheet, lang),
            width=format_number(self.width, 0 if self.width == int(self.width) else 1, lang),
            height=format_number(self.height, 0 if self.height == int(self.height) else 1, lang),
            reference=self.reference,
        )


#: Common A4 label sheets (Avery / Herma sizes, 210 × 297 mm).
LABEL_LAYOUTS: dict[str, LabelLayout] = {
    "3x7": LabelLayout("3x7", 3, 7, 63.5, 38.1, 15.15, 7.25, 2.5, "Avery L7160"),
    "3x8": LabelLayout("3x8", 3, 8, 63.5, 33.9, 12.9, 7.25, 2.5, "Avery L7159"),
    "2x7": LabelLayout("2x7", 2, 7, 99.1, 38.1, 15.15, 4.65, 2.5, "Avery L7163"),
}

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0


def _label_sect_pr(sect_pr: etree._Element | None, layout: LabelLayout) -> etree._Element:
    """A4, margins of the sheet, no header or footer."""
    sect = etree.Element(W_SECTPR)
    _el("w:pgSz", sect, w=str(_twips(PAGE_WIDTH_MM)), h=str(_twips(PAGE_HEIGHT_MM)))
    used = layout.rows * layout.height
    bottom = max(0.0, PAGE_HEIGHT_MM - layout.top - used - 1.0)
    _el(
        "w:pgMar",
        sect,
        top=str(_twips(layout.top)),
        right=str(_twips(max(0.0, layout.side - 1.0))),
        bottom=str(_twips(bottom)),
        left=str(_twips(layout.side)),
        header="0",
        footer="0",
        gutter="0",
    )
    _el("w:cols", sect, space="0")
    return sect


def _label_table(
    layout: LabelLayout, cells: Sequence[list[etree._Element] | None]
) -> etree._Element:
    tbl = _el("w:tbl")
    pr = _el("w:tblPr", tbl)
    width = layout.columns * layout.width + (layout.columns - 1) * layout.gap
    _el("w:tblW", pr, w=str(_twips(width)), type="dxa")
    borders = _el("w:tblBorders", pr)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _el(f"w:{side}", borders, val="nil")
    _el("w:tblLayout", pr, type="fixed")
    margins = _el("w:tblCellMar", pr)
    _el("w:top", margins, w="0", type="dxa")
    # no cell margins: Word (before 2013) and LibreOffice would shift the whole table left by
    # the first cell's margin; the text is kept off the label's edge by paragraph indents
    _el("w:left", margins, w="0", type="dxa")
    _el("w:bottom", margins, w="0", type="dxa")
    _el("w:right", margins, w="0", type="dxa")
    _el("w:tblLook", pr, val="0000")
    grid = _el("w:tblGrid", tbl)
    widths = []
    for col in range(layout.columns):
        widths.append(("label", _twips(layout.width)))
        if col < layout.columns - 1:
            widths.append(("gap", _twips(layout.gap)))
    for _kind, w in widths:
        _el("w:gridCol", grid, w=str(w))
    height = str(_twips(layout.height))
    for start in range(0, len(cells), layout.columns):
        tr = _el("w:tr", tbl)
        tr_pr = _el("w:trPr", tr)
        _el("w:cantSplit", tr_pr)
        _el("w:trHeight", tr_pr, val=height, hRule="exact")
        row_cells = list(cells[start : start + layout.columns])
        row_cells += [None] * (layout.columns - len(row_cells))
        for col, content in enumerate(row_cells):
            _label_cell(tr, widths[col * 2][1], content, gap=False)
            if col < layout.columns - 1:
                _label_cell(tr, widths[col * 2 + 1][1], None, gap=True)
    return tbl


def _label_cell(tr: etree._Element, width: int, content, gap: bool) -> None:
    tc = _el("w:tc", tr)
    tc_pr = _el("w:tcPr", tc)
    _el("w:tcW", tc_pr, w=str(width), type="dxa")
    _el("w:vAlign", tc_pr, val="center")
    if content:
        for element in content:
            tc.append(element)
            for p in [element] if element.tag == W_P else element.iter(W_P):
                _indent(p)
    else:
        _el("w:p", tc)
    if tc[-1].tag != W_P:  # a cell must end with a paragraph
        _el("w:p", tc)


# pPr children that come after w:ind (schema order)
_AFTER_IND = {
    qn(f"w:{name}")
    for name in (
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    )
}


def _indent(p: etree._Element) -> None:
    """Keep a label's text 4 mm from its left edge and 2 mm from its right one, unless the
    paragraph has indents of its own."""
    ppr = p.find(W_PPR)
    if ppr is None:
        ppr = etree.Element(W_PPR)
        p.insert(0, ppr)
    if ppr.find(qn("w:ind")) is not None:
        return
    ind = etree.Element(qn("w:ind"))
    ind.set(qn("w:left"), str(_twips(4)))
    ind.set(qn("w:right"), str(_twips(2)))
    anchor = next((child for child in ppr if child.tag in _AFTER_IND), None)
    if anchor is not None:
        anchor.addprevious(ind)
    else:
        ppr.append(ind)


def _address_paragraph(font_half_points: int) -> etree._Element:
    p = _el("w:p")
    ppr = _el("w:pPr", p)
    _el("w:spacing", ppr, before="0", after="0", line="240", lineRule="auto")
    run = _el("w:r", p)
    rpr = _el("w:rPr", run)
    _el("w:sz", rpr, val=str(font_half_points))
    _el("w:szCs", rpr, val=str(font_half_points))
    t = _el("w:t", run)
    t.text = f"{TOKEN_START}0{TOKEN_END}"
    t.set(XML_SPACE, "preserve")
    return p


def _tail_paragraph() -> etree._Element:
    """A one-point paragraph after the table, so that a full last sheet gives no blank page."""
    p = _el("w:p")
    ppr = _el("w:pPr", p)
    _el("w:spacing", ppr, before="0", after="0", line="20", lineRule="exact")
    rpr = _el("w:rPr", ppr)
    _el("w:sz", rpr, val="2")
    return p


# --- does the text fit? -----------------------------------------------------------------------

#: The smallest font a label is shrunk to (7 pt, in half-points): still readable by a postman.
LABEL_FLOOR_HALF_POINTS = 14
#: Word's default size when neither the run nor the template says one (11 pt).
_DEFAULT_HALF_POINTS = 22
#: A conservative average character width, as a fraction of the font size (capitals and
#: digits of Calibri or Arial run 0.55 to 0.65 em; lower case is narrower).
_CHAR_WIDTH_EM = 0.62
#: Height of a line with single spacing, as a fraction of the font size.
_LINE_HEIGHT_EM = 1.22
_MM_PER_POINT = 25.4 / 72
#: The paragraph indents of :func:`_indent` (4 mm left, 2 mm right) and a 1 mm margin above and
#: below, so that the printer's slight drift does not cut the first or last line.
_INDENTS_MM, _VERTICAL_MARGIN_MM = 6.0, 2.0

W_R, W_RPR, W_SZ, W_SZCS, W_T_, W_BR_ = (
    qn("w:r"),
    qn("w:rPr"),
    qn("w:sz"),
    qn("w:szCs"),
    qn("w:t"),
    qn("w:br"),
)


def _run_size(run: etree._Element, default: int) -> int:
    sz = run.find(f"{W_RPR}/{W_SZ}")
    try:
        return int(sz.get(qn("w:val"))) if sz is not None else default
    except (TypeError, ValueError):
        return default


def _lines(paragraph: etree._Element, default: int) -> list[tuple[str, int]]:
    """The lines of *paragraph* (cut at its line breaks), each with its largest font size."""
    lines: list[tuple[str, int]] = [("", 0)]
    for run in paragraph.iter(W_R):
        size = _run_size(run, default)
        for child in run:
            if child.tag == W_BR_:
                lines.append(("", 0))
            elif child.tag == W_T_:
                text, biggest = lines[-1]
                lines[-1] = (text + (child.text or ""), max(biggest, size))
    return [(text, size or default) for text, size in lines]


def label_text_height(
    paragraphs: Sequence[etree._Element],
    layout: LabelLayout,
    scale: float = 1.0,
    default: int = _DEFAULT_HALF_POINTS,
) -> float:
    """The height in millimetres the text of *paragraphs* takes in one of *layout*'s labels,
    font sizes multiplied by *scale* (never below the floor): lines too long for the label's
    width wrap, counted with a conservative average character width."""
    usable = layout.width - _INDENTS_MM
    height = 0.0
    for p in paragraphs:
        for text, size in _lines(p, default):
            points = max(LABEL_FLOOR_HALF_POINTS, round(size * scale)) / 2
            per_line = max(1, int(usable / (points * _CHAR_WIDTH_EM * _MM_PER_POINT)))
            rows = max(1, math.ceil(len(text) / per_line))
            height += rows * points * _LINE_HEIGHT_EM * _MM_PER_POINT
    return height


def _fits(paragraphs, layout: LabelLayout, scale: float, default: int) -> bool:
    return label_text_height(paragraphs, layout, scale, default) <= (
        layout.height - _VERTICAL_MARGIN_MM
    )


# rPr children that come after w:sz (schema order, ECMA-376 §17.3.2.28)
_AFTER_SZ = {
    qn(f"w:{name}")
    for name in (
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
        "rPrChange",
    )
}


def _scale_fonts(paragraphs, scale: float, default: int) -> None:
    """Multiply the font size of every run by *scale*, not below the floor."""
    for p in paragraphs:
        for run in p.iter(W_R):
            size = str(max(LABEL_FLOOR_HALF_POINTS, round(_run_size(run, default) * scale)))
            rpr = run.find(W_RPR)
            if rpr is None:
                rpr = etree.Element(W_RPR)
                run.insert(0, rpr)
            for tag in (W_SZ, W_SZCS):
                el = rpr.find(tag)
                if el is None:
                    el = etree.Element(tag)
                    after = _AFTER_SZ if tag == W_SZ else _AFTER_SZ - {W_SZCS}
                    anchor = next((child for child in rpr if child.tag in after), None)
                    if anchor is not None:
                        anchor.addprevious(el)
                    else:
                        rpr.append(el)
                el.set(qn("w:val"), size)


def shrink_to_fit(
    paragraphs: Sequence[etree._Element], layout: LabelLayout, default: int = _DEFAULT_HALF_POINTS
) -> bool:
    """Shrink the fonts of a label's *paragraphs* half a point at a time until its text fits,
    down to the floor (7 pt). Returns False when it would still be cut at the floor."""
    if _fits(paragraphs, layout, 1.0, default):
        return True
    biggest = max((size for p in paragraphs for _text, size in _lines(p, default)), default=default)
    for target in range(biggest - 1, LABEL_FLOOR_HALF_POINTS - 1, -1):
        scale = target / biggest
        if _fits(paragraphs, layout, scale, default):
            _scale_fonts(paragraphs, scale, default)
            return True
    _scale_fonts(paragraphs, LABEL_FLOOR_HALF_POINTS / biggest, default)
    return False


def _default_size(document) -> int:
    """The template's default font size (docDefaults), in half-points."""
    try:
        styles = document.part.styles.element
    except (KeyError, NotImplementedError, AttributeError):
        return _DEFAULT_HALF_POINTS
    sz = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{W_RPR}/{W_SZ}")
    try:
        return int(sz.get(qn("w:val"))) if sz is not None else _DEFAULT_HALF_POINTS
    except (TypeError, ValueError):
        return _DEFAULT_HALF_POINTS


def _check_offset(layout: LabelLayout, offset: int) -> None:
    if offset < 0 or offset >= layout.per_sheet:
        raise MergeError(
            _(
                "The first-label offset must be between 0 and {last} for {layout} sheets, "
                "not {offset}."
            ).format(last=layout.per_sheet - 1, layout=layout.key, offset=offset)
        )


def _label_source(template: LetterTemplate | None, layout: LabelLayout) -> tuple[Any, list]:
    """The document the sheet is written into and a label's content: *template*'s body (its
    section breaks taken out) or the address block paragraph (token 0)."""
    if template is not None:
        content = [c for c in template.content if c.tag in (W_P, W_TBL)]
        for c in content:  # section breaks inside the label would break the sheet
            for ppr_sect in list(c.iter(W_SECTPR)):
                ppr_sect.getparent().remove(ppr_sect)
        return template.document, content
    size = 18 if layout.height < 35 else 20
    return Document(), [_address_paragraph(size)]


def _label_cells(
    template: LetterTemplate | None,
    letters: Sequence[Letter],
    values: Callable[[Letter], list[str]],
    layout: LabelLayout,
    progress: Callable[[int, int, str], None] | None,
    cancelled: Callable[[], bool] | None,
) -> tuple[Any, list[list[etree._Element]], list[Letter]]:
    """Each letter's label, filled and shrunk to fit: (document, cells, letters still cut)."""
    document, content = _label_source(template, layout)
    default = _default_size(document)
    total = len(letters)
    cells: list[list[etree._Element]] = []
    cut: list[Letter] = []
    drawing_id = 1000
    for n, letter in enumerate(letters, start=1):
        if n % 50 == 1:
            _report(progress, cancelled, n - 1, total, "")
        texts = values(letter)
        copies = []
        for element in content:
            c = element.__deepcopy__(None)
            _fill(c, texts)
            for doc_pr in c.iter(WP_DOCPR):  # a logo on each label: ids stay unique
                drawing_id += 1
                doc_pr.set("id", str(drawing_id))
            copies.append(c)
        paragraphs = [p for c in copies for p in ([c] if c.tag == W_P else c.iter(W_P))]
        if not shrink_to_fit(paragraphs, layout, default):
            cut.append(letter)
        cells.append(copies)
    return document, cells, cut


def labels_cut(
    template: LetterTemplate | None,
    letters: Sequence[Letter],
    values: Callable[[Letter], list[str]],
    layout: LabelLayout,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Letter]:
    """The letters whose label would be cut even in 7 pt, computed as :func:`write_labels`
    lays them out, without writing anything (*template* is used up: read it again to write)."""
    return _label_cells(template, letters, values, layout, progress, cancelled)[2]


def write_labels(
    template: LetterTemplate | None,
    letters: Sequence[Letter],
    values: Callable[[Letter], list[str]],
    out: str | os.PathLike[str],
    layout: LabelLayout,
    *,
    offset: int = 0,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Letter]:
    """One label per item of *letters*, the first *offset* labels of the first sheet left blank.

    The label's content is *template*'s body (its merge fields filled) or, without a template,
    the address block (``values`` must then give the address block as token 0). A label whose
    text is too long or too tall for the label is shrunk down to 7 pt; returns the letters
    whose label would still be cut (:func:`labels_cut` tells the same before writing).
    """
    _check_offset(layout, offset)
    out = Path(out)
    document, filled, cut = _label_cells(template, letters, values, layout, progress, cancelled)
    body = document.element.body
    for child in list(body):
        body.remove(child)
    total = len(letters)
    cells: list[list[etree._Element] | None] = [None] * offset
    cells.extend(filled)
    body.append(_label_table(layout, cells))
    body.append(_tail_paragraph())
    body.append(_label_sect_pr(template.sect_pr if template else None, layout))
    for rel_id, rel in list(document.part.rels.items()):  # no letterhead on label sheets
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            document.part.rels.pop(rel_id)
    _report(progress, cancelled, total, total, "")
    _write_atomically(document, out)
    return cut
