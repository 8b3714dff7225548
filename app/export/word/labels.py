"""Laying out address labels on A4 sheets."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

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


def _check_offset(layout: LabelLayout, offset: int) -> None:
    if offset < 0 or offset >= layout.per_sheet:
        raise MergeError(
            _(
                "The first-label offset must be between 0 and {last} for {layout} sheets, "
                "not {offset}."
            ).format(last=layout.per_sheet - 1, layout=layout.key, offset=offset)
        )


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
) -> None:
    """One label per item of *letters*, the first *offset* labels of the first sheet left blank.

    The label's content is *template*'s body (its merge fields filled) or, without a template,
    the address block (``values`` must then give the address block as token 0).
    """
    _check_offset(layout, offset)
    out = Path(out)
    if template is not None:
        document = template.document
        content = [c for c in template.content if c.tag in (W_P, W_TBL)]
        for c in content:  # section breaks inside the label would break the sheet
            for ppr_sect in list(c.iter(W_SECTPR)):
                ppr_sect.getparent().remove(ppr_sect)
    else:
        document = Document()
        size = 18 if layout.height < 35 else 20
        content = [_address_paragraph(size)]
    body = document.element.body
    for child in list(body):
        body.remove(child)
    total = len(letters)
    cells: list[list[etree._Element] | None] = [None] * offset
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
        cells.append(copies)
    body.append(_label_table(layout, cells))
    body.append(_tail_paragraph())
    body.append(_label_sect_pr(template.sect_pr if template else None, layout))
    for rel_id, rel in list(document.part.rels.items()):  # no letterhead on label sheets
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            document.part.rels.pop(rel_id)
    _report(progress, cancelled, total, total, "")
    _write_atomically(document, out)
