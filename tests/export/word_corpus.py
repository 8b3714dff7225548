"""Templates with the structures Microsoft Word writes, built as XML (see corpus/README.md).

No public Word-saved file has every structure Cible must handle (ADDRESSBLOCK, GREETINGLINE,
NUMPAGES, a label-wizard sheet with NEXT, a continuous last section, Word's mail-merge settings
with an "Office Address List" data source, footnotes with fields, numbered lists...), so each
is written here the way Word 2016-365 writes it, following Microsoft's field-code reference
(support.microsoft.com "Field codes: ADDRESSBLOCK field", "GREETINGLINE field", "IF field",
"NEXT field", "MERGEREC field", "NUMPAGES field") and ECMA-376 Part 1 (§17.16 fields,
§17.15.1.61 mailMerge, §17.11 footnotes and endnotes, §17.9 numbering).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

W = nsdecls("w")
MAIL_MERGE_SOURCE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/mailMergeSource"
)
AUTHOR_PATH = "file:///D:\\Users\\marie.dubois\\Documents\\Mes sources de données\\Clients.mdb"


def fld(instr: str, cached: str) -> str:
    """A complex field as Word writes it: begin, instruction, separate, cached result, end."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instr)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r><w:rPr><w:noProof/></w:rPr><w:t xml:space="preserve">{escape(cached)}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def fld_simple(instr: str, cached: str) -> str:
    quoted = escape(f" {instr} ", {'"': "&quot;"})
    return (
        f'<w:fldSimple w:instr="{quoted}"><w:r><w:rPr><w:noProof/></w:rPr>'
        f"<w:t>{escape(cached)}</w:t></w:r></w:fldSimple>"
    )


def text(value: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(value)}</w:t></w:r>'


def para(*parts: str, ppr: str = "") -> str:
    return f"<w:p {W}>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{''.join(parts)}</w:p>"


def footnote_ref(note_id: int) -> str:
    return (
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        f'<w:footnoteReference w:id="{note_id}"/></w:r>'
    )


def numbered(*parts: str, num_id: int = 20) -> str:
    return para(*parts, ppr=f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')


def text_box(*paragraphs: str) -> str:
    """A VML text box (Word's "Zone de texte" in compatibility mode) holding *paragraphs*."""
    inner = "".join(p.replace(f"<w:p {W}>", "<w:p>") for p in paragraphs)
    return (
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="Zone1" '
        'style="width:200pt;height:60pt" type="#_x0000_t202"><v:textbox><w:txbxContent>'
        f"{inner}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )


def build(
    path: Path,
    paragraphs: list[str],
    *,
    continuous: bool = False,
    mail_merge: bool = False,
    footnotes: list[str] | None = None,
    footer: list[str] | None = None,
    numbering: bool = False,
) -> Path:
    """A .docx whose body is *paragraphs*, with Word's structures on request."""
    doc = Document()
    body = doc.element.body
    sect = body[-1]
    for xml in paragraphs:
        sect.addprevious(parse_xml(xml))
    if continuous:  # Word writes the last section's type when the user chose "continuous"
        sect.insert(0, parse_xml(f'<w:type {W} w:val="continuous"/>'))
    if mail_merge:
        _mail_merge_settings(doc)
    if footnotes is not None:
        _notes_part(doc, footnotes)
    if footer:
        element = doc.sections[0].footer._element
        for p in list(element):
            element.remove(p)
        for xml in footer:
            element.append(parse_xml(xml))
    if numbering:
        root = doc.part.numbering_part.element
        abstract = parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="20"><w:multiLevelType w:val="hybridMultilevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
        )
        root.insert(0, abstract)
        root.append(parse_xml(f'<w:num {W} w:numId="20"><w:abstractNumId w:val="20"/></w:num>'))
    doc.save(str(path))
    return path


def _mail_merge_settings(doc) -> None:
    """``w:mailMerge`` as Word writes it after "Sélectionner les destinataires › Taper une
    nouvelle liste", with the data source relationships pointing at the author's disk."""
    settings = doc.settings.element
    rels = doc.part._settings_part.rels
    source = rels.get_or_add_ext_rel(MAIL_MERGE_SOURCE, AUTHOR_PATH)
    odso_source = rels.get_or_add_ext_rel(MAIL_MERGE_SOURCE, AUTHOR_PATH + "#odso")
    merge = parse_xml(
        f'<w:mailMerge {nsdecls("w", "r")}><w:mainDocumentType w:val="formLetters"/>'
        '<w:linkToQuery/><w:dataType w:val="native"/>'
        '<w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;User ID=Admin;Data '
        "Source=D:\\Users\\marie.dubois\\Documents\\Mes sources de données\\Clients.mdb;"
        'Mode=Share Deny None;"/>'
        '<w:query w:val="SELECT * FROM `Office Address List` "/>'
        f'<w:dataSource r:id="{source}"/><w:viewMergedData/>'
        '<w:odso><w:udl w:val="Provider=Microsoft.ACE.OLEDB.12.0;User ID=Admin;"/>'
        '<w:table w:val="Office Address List"/>'
        f'<w:src r:id="{odso_source}"/><w:colDelim w:val="9"/><w:fHdr/>'
        '<w:fieldMapData><w:type w:val="dbColumn"/><w:name w:val="Nom"/>'
        '<w:mappedName w:val="Last Name"/><w:column w:val="2"/><w:lid w:val="fr-FR"/>'
        "</w:fieldMapData></w:odso></w:mailMerge>"
    )
    settings.find(qn("w:defaultTabStop")).addprevious(merge)


def _notes_part(doc, footnotes: list[str]) -> None:
    """footnotes.xml as Word writes it: the separator (-1) and continuation (0) notes, then ours."""
    notes = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        f"{xml}</w:p></w:footnote>"
        for i, xml in enumerate(footnotes, start=1)
    )
    blob = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<w:footnotes {nsdecls('w', 'r')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>"
        f"{notes}</w:footnotes>"
    ).encode()
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        blob,
        doc.part.package,
    )
    doc.part.relate_to(part, RT.FOOTNOTES)
