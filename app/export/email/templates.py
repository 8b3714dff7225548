"""E-mail templates: subject and HTML body with the letters' merge fields. No Qt here.

Merge fields are the letters' (:mod:`app.export.word`, one source of truth): ``{nom}`` or
``«Nom»``, matched without case or accents against the field catalog's keys and labels and the
letter helpers («Formule d’appel», «Formule de politesse», «Date du jour»...). ``{nom}`` of a
company (no last name) is the company's name.

A template is compiled **once** (:func:`compile_template`):

1. the HTML is parsed (lxml); merge fields are looked for only in text and attribute values,
   never inside ``<style>`` or ``<script>`` (CSS braces are not fields); scripts are removed
   (mail clients do not run them); every field is replaced by a token;
2. the CSS of ``<style>`` blocks is inlined into ``style`` attributes (css-inline), since many
   mail clients ignore ``<style>``;
3. the plain-text alternative is made from the same tokenised HTML (html2text).

Rendering a message is then only replacing tokens by values: HTML-escaped in the HTML (and
percent-encoded inside the query of a link, so a prefilled ``mailto:`` keeps working), raw in
the plain text and the subject.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import html2text
import lxml.html
from lxml import etree

from app.errors import CibleError
from app.export.word.fields import HELPERS_BY_KEY, resolve_field_name
from app.export.word.parse import _PLACEHOLDER  # the letters' «Nom» / {nom} syntax: one definition
from app.i18n import _, format_count, ngettext
from app.query.catalog import FIELDS

#: Token marks: ASCII letters, so that no serializer escapes them (lxml percent-encodes
#: non-ASCII characters in links); a template containing them is refused.
T_START, T_END = "Xcib1eT", "Tcib1eX"
_TOKEN = re.compile(f"{T_START}(\\d+){T_END}")
_SKIP = {"style", "script"}
_URL_ATTRIBUTES = {"href", "src", "action"}
_BLOCK_TAGS = {
    "body", "p", "div", "li", "ul", "ol", "td", "th", "tr", "table", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6",
}
#: Default cap on one message's size (HTML, text, images, headers): bytes.
DEFAULT_MAX_BYTES = 400_000


class EmailTemplateError(CibleError):
    """A template cannot be used (malformed, unknown field, no subject, too large...)."""


@dataclass(frozen=True)
class Slot:
    """Where a token stands: its field key, and how its value is written there."""

    key: str
    name: str
    in_url_query: bool = False
    #: In a link or an image's address (``href``, ``src``): an empty value breaks it.
    in_url: bool = False


@dataclass
class CompiledTemplate:
    """A template ready to render: tokenised subject, HTML and text, and the fields it uses."""

    subject: str
    html: str
    text: str
    slots: list[Slot]
    #: Inline images: content id → (bytes, MIME subtype), e.g. ``{"logo": (b"...", "png")}``.
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        """The field keys used (catalog and helpers), each once, in order."""
        return list(dict.fromkeys(s.key for s in self.slots))

    @property
    def catalog_keys(self) -> list[str]:
        return [k for k in self.keys if k in FIELDS]

    def render(self, values: Mapping[str, str]) -> tuple[str, str, str]:
        """(subject, HTML, text) for one recipient; *values* maps field keys to text."""

        def html_value(m: re.Match[str]) -> str:
            slot = self.slots[int(m.group(1))]
            value = values.get(slot.key, "")
            if slot.in_url_query:
                return html.escape(urllib.parse.quote(value, safe=""), quote=True)
            return html.escape(value, quote=True).replace("\n", "<br>")

        def raw_value(m: re.Match[str]) -> str:
            slot = self.slots[int(m.group(1))]
            value = values.get(slot.key, "")
            return urllib.parse.quote(value, safe="") if slot.in_url_query else value

        subject = " ".join(_TOKEN.sub(raw_value, self.subject).split())
        return subject, _TOKEN.sub(html_value, self.html), _TOKEN.sub(raw_value, self.text)


def _resolve(name: str, unknown: list[str]) -> str:
    key = resolve_field_name(name)
    if key is None or (key in FIELDS and not FIELDS[key].displayable):
        unknown.append(name)
        return ""
    return key


def _tokenise(
    text: str,
    slots: list[Slot],
    unknown: list[str],
    in_url_query: Callable[[int], bool],
    in_url: bool = False,
) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        key = _resolve(name, unknown)
        slots.append(Slot(key, name, in_url_query(m.start()), in_url))
        return f"{T_START}{len(slots) - 1}{T_END}"

    return _PLACEHOLDER.sub(repl, text)


def _no_query(_position: int) -> bool:
    return False


def _unknown_error(unknown: Sequence[str]) -> EmailTemplateError:
    names = list(dict.fromkeys(unknown))
    return EmailTemplateError(
        ngettext(
            "The e-mail uses {n} merge field that does not exist: {names}.",
            "The e-mail uses {n} merge fields that do not exist: {names}.",
            len(names),
        ).format(n=format_count(len(names)), names=", ".join(f"«{n}»" for n in names))
    )


def _parse(source: str) -> etree._Element:
    if T_START in source or T_END in source:
        raise EmailTemplateError(_("The e-mail contains characters reserved by Cible."))
    try:
        root = lxml.html.document_fromstring(source) if source.strip() else None
    except (etree.ParserError, ValueError) as error:
        raise EmailTemplateError(
            _("The e-mail's HTML cannot be read: {error}").format(error=error)
        ) from None
    if root is None or not "".join(root.itertext()).strip() and root.find(".//img") is None:
        raise EmailTemplateError(_("The e-mail has no text."))
    return root


def _block_text(block: etree._Element) -> str:
    """The text a block shows on its lines, its inline elements (bold, a link…) included,
    its inner blocks not."""
    parts = [block.text or ""]
    for child in block:
        tag = str(child.tag).lower() if isinstance(child.tag, str) else ""
        if tag == "br":
            parts.append("\n")
        elif tag and tag not in _BLOCK_TAGS and tag not in _SKIP:
            parts.append(_block_text(child))
        else:
            parts.append("\n")
        parts.append(child.tail or "")
    return "".join(parts)


def _refuse_cut_fields(root: etree._Element) -> None:
    """A merge field cut by formatting (``<b>«Formule</b> d'appel»``) would be sent as typed:
    refused, with the field named (every whole field is a token by now)."""
    for block in root.iter():
        if isinstance(block.tag, str) and block.tag.lower() in _BLOCK_TAGS:
            cut = _PLACEHOLDER.search(_block_text(block))
            if cut is not None:
                raise EmailTemplateError(
                    _(
                        "The merge field {field} is cut by formatting (bold, italic, a link): "
                        "format it whole."
                    ).format(field=cut.group(0))
                )


def _shown_images(
    root: etree._Element, images: dict[str, tuple[bytes, str]]
) -> dict[str, tuple[bytes, str]]:
    """The images the e-mail shows (``<img src="cid:…">``), each once; an image it shows but
    that is not stored with it is refused."""
    shown: dict[str, tuple[bytes, str]] = {}
    for img in root.iter("img"):
        src = (img.get("src") or "").strip()
        if not src.lower().startswith("cid:"):
            continue
        cid = src[4:]
        if cid not in images:
            raise EmailTemplateError(
                _("The e-mail shows an image that is not stored with it ({cid}): insert it "
                  "again.").format(cid=cid)
            )
        shown[cid] = images[cid]
    return shown


def compile_template(
    subject: str,
    source_html: str,
    *,
    images: dict[str, tuple[bytes, str]] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CompiledTemplate:
    """Check and compile a template (see the module docstring); raise
    :class:`EmailTemplateError` with one clear line when it cannot be used."""
    if not subject.strip():
        raise EmailTemplateError(_("The e-mail has no subject."))
    if "\n" in subject or "\r" in subject:
        raise EmailTemplateError(_("The subject must be one line."))
    root = _parse(source_html)
    images = _shown_images(root, images or {})
    slots: list[Slot] = []
    unknown: list[str] = []
    subject_tokens = _tokenise(subject.strip(), slots, unknown, _no_query)
    for script in root.iter("script"):
        script.getparent().remove(script)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag not in _SKIP and element.text:
            element.text = _tokenise(element.text, slots, unknown, _no_query)
        parent = element.getparent()
        if element.tail and (parent is None or str(parent.tag).lower() not in _SKIP):
            element.tail = _tokenise(element.tail, slots, unknown, _no_query)
        for name, value in list(element.attrib.items()):
            if name.lower() == "style" or name.lower().startswith("on"):
                if name.lower().startswith("on"):
                    del element.attrib[name]
                continue
            query_at = value.find("?") if name.lower() in _URL_ATTRIBUTES else -1

            def in_query(position: int, query_at: int = query_at) -> bool:
                return query_at >= 0 and position > query_at

            element.attrib[name] = _tokenise(
                value, slots, unknown, in_query, name.lower() in _URL_ATTRIBUTES
            )
    if unknown:
        raise _unknown_error(unknown)
    _refuse_cut_fields(root)
    tokenised = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    inlined = _inline_css(tokenised)
    text = _to_text(inlined)
    compiled = CompiledTemplate(subject_tokens, inlined, text, slots, images)
    size = estimated_size(compiled)
    if size > max_bytes:
        raise EmailTemplateError(
            _(
                "The e-mail is too large ({size} KB, at most {limit} KB): make the images "
                "smaller."
            ).format(size=format_count(size // 1000), limit=format_count(max_bytes // 1000))
        )
    return compiled


def estimated_size(compiled: CompiledTemplate) -> int:
    """Bytes of one message before merging: HTML and text (as sent, base64 counted for
    images) plus room for the headers."""
    images = sum(len(data) for data, _subtype in compiled.images.values())
    return len(compiled.html.encode()) + len(compiled.text.encode()) + images * 4 // 3 + 2_000


def _inline_css(source: str) -> str:
    try:
        # imported here: opening the window never loads its compiled (Rust) library, which
        # only a send or a preview needs
        import css_inline

        return css_inline.inline(source)
    except ValueError as error:
        raise EmailTemplateError(
            _("The e-mail's style sheet cannot be read: {error}").format(error=error)
        ) from None


@lru_cache(maxsize=32)
def _to_text(source: str) -> str:
    maker = html2text.HTML2Text()
    maker.body_width = 0  # no wrapping: a value may be long
    maker.ignore_images = True
    maker.ignore_emphasis = False
    maker.protect_links = True
    return maker.handle(source).strip() + "\n"


def html_to_text(source: str) -> str:
    """The plain-text version of an HTML fragment (a signature), as the text part has it."""
    return _to_text(source)


def helper_value(
    key: str,
    customer: object,
    *,
    lang: str,
    today: dt.date,
    first_registration: dt.date | None = None,
) -> str:
    """The letter helper *key* for *customer* (an object with civility, last_name, first_name,
    company_name, is_company, address1, address2, postal_code, city)."""
    from app.export.word.compute import _opening, _vehicle_age, formal_salutation
    from app.i18n import long_date

    get = lambda name: getattr(customer, name, None) or ""  # noqa: E731
    if key == "letter.salutation":
        return formal_salutation(
            get("civility"),
            get("last_name"),
            company=get("company_name"),
            is_company=bool(getattr(customer, "is_company", False)),
            first_name=get("first_name"),
        )
    if key == "letter.opening":
        return _opening(get("civility") or None, bool(getattr(customer, "is_company", False)), lang)
    if key == "letter.recipient":
        if getattr(customer, "is_company", False) or not get("last_name"):
            return get("company_name") or get("last_name")
        return " ".join(p for p in (get("civility"), get("first_name"), get("last_name")) if p)
    if key == "letter.address_block":
        town = " ".join(p for p in (get("postal_code"), get("city")) if p)
        name = helper_value("letter.recipient", customer, lang=lang, today=today)
        return "\n".join(p for p in (name, get("address1"), get("address2"), town) if p)
    if key == "letter.date":
        return long_date(today, lang)
    if key == "letter.vehicle_age":
        return _vehicle_age(first_registration, today, lang)
    raise KeyError(key)


HELPER_KEYS = tuple(HELPERS_BY_KEY)


# --- starter templates ---------------------------------------------------------------------

_STYLE = (
    "<style>body{font-family:Arial,sans-serif;font-size:14px;color:#222}"
    "p{margin:0 0 12px} a.button{background:#0b5cab;color:#fff;padding:8px 14px;"
    "text-decoration:none;border-radius:4px}</style>"
)

#: name → (kind, subject, HTML): written in French for French dealerships.
STARTERS: dict[str, tuple[str, str, str]] = {
    "Rappel d’entretien": (
        "marketing",
        "{marque} {immatriculation} : l’entretien approche",
        f"<html><head>{_STYLE}</head><body>"
        "<p>«Formule d’appel»,</p>"
        "<p>Votre {marque} {modèle} immatriculée {immatriculation} arrive à la date de son "
        "prochain entretien, le «Date prochaine révision».</p>"
        "<p>Notre atelier vous accueille du lundi au samedi : répondez simplement à ce message "
        "pour prendre rendez-vous.</p>"
        "<p>Nous vous prions d’agréer, «Formule d’appel», nos salutations distinguées.</p>"
        "</body></html>",
    ),
    "Contrôle technique à prévoir": (
        "marketing",
        "Votre contrôle technique avant le «Date contrôle technique (CT)»",
        f"<html><head>{_STYLE}</head><body>"
        "<p>«Formule d’appel»,</p>"
        "<p>Le contrôle technique de votre {marque} {modèle} ({immatriculation}) est à faire "
        "avant le <b>«Date contrôle technique (CT)»</b>.</p>"
        "<p>Nous pouvons préparer votre véhicule et le présenter au contrôle pour vous.</p>"
        "<p>Cordialement,</p></body></html>",
    ),
    "Reconquête avec prise de rendez-vous": (
        "marketing",
        "Votre {marque} {modèle} mérite le meilleur",
        f"<html><head>{_STYLE}</head><body>"
        "<p>«Formule d’appel»,</p>"
        "<p>Cela fait un moment que nous n’avons pas vu votre {marque} {modèle}. Pour votre "
        "retour, nous vous offrons 20 % sur la main-d’œuvre et les pièces de l’entretien "
        "jusqu’au 30/09.</p>"
        '<p><a class="button" href="«Site - Lien de réservation»">Prendre rendez-vous en '
        "ligne</a></p>"
        '<p>Ou <a href="mailto:«Site - E-mail»?subject=Rendez-vous%20{immatriculation}">'
        "écrivez-nous</a>, nous vous rappelons.</p>"
        "<p>À très bientôt,</p></body></html>",
    ),
    "Merci de votre visite": (
        "service",
        "Merci de votre visite, «Formule de politesse»",
        f"<html><head>{_STYLE}</head><body>"
        "<p>«Formule d’appel»,</p>"
        "<p>Merci d’avoir confié votre {marque} {modèle} à notre atelier. Toute l’équipe reste "
        "à votre disposition pour la moindre question.</p>"
        "<p>Cordialement,</p></body></html>",
    ),
}
