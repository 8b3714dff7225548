"""Starter letters for the mail merge, and the "New template" letter listing the merge fields.

``app/resources/templates/`` ships four French letters built by :func:`build_starter` (run
``python tools/make_word_templates.py`` to write them again): a service reminder, a technical
inspection (CT) reminder, an invitation to open days and a win-back offer. Their merge fields are
«Bloc adresse», «Formule d'appel», «Date du jour», vehicle fields and the customer's site's
details («Site - Téléphone»...) of the catalog, so they work with any target. The open days
(``[dates]``, ``[heures]``) and the win-back offer (``[offre…]``, ``[date]``) keep text in
brackets for the garage to fill in; the merge warns about it before writing. When Cible runs from an installation without the resources folder, the
letters are built on first use in the user's data folder.

No Qt here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from app import files
from app.export.word import HELPERS_BY_KEY, MergeField, available_merge_fields
from app.i18n import N_, _, pgettext
from app.query.catalog import get_field
from app.query.target import Target
from app.resources import TEMPLATES_DIR

RESOURCES = TEMPLATES_DIR


@dataclass(frozen=True)
class StarterTemplate:
    key: str
    #: The letter's name as the user sees it (English, translated by :meth:`title`).
    name: str
    filename: str

    def title(self, lang: str | None = None) -> str:
        """The letter's name in *lang* (default: the application's language)."""
        return _(self.name, lang)


STARTERS: tuple[StarterTemplate, ...] = (
    # Translators: the names of the starter letters of the mail merge.
    StarterTemplate("service", N_("Service reminder"), "rappel_entretien.docx"),
    StarterTemplate("inspection", N_("Technical inspection due"), "controle_technique.docx"),
    StarterTemplate("open_days", N_("Open days"), "portes_ouvertes.docx"),
    StarterTemplate("win_back", N_("Win-back offer"), "offre_reconquete.docx"),
)

_PLACE = "«Site - Ville»"
_SIGNATURE = ["Le service après-vente", "«Site - Nom» — «Site - Téléphone»"]

# key → (subject, paragraphs); «...» are merge fields (the «Site - …» ones print the customer's
# site's details, File › Sites…), [...] text for the garage to fill in: the merge warns about
# what is left in brackets before writing.
_LETTERS: dict[str, tuple[str, list[str]]] = {
    "service": (
        "Objet : l'entretien de votre «Marque» «Modèle» («Immatriculation»)",
        [
            "Votre véhicule, mis en circulation le «Date MEC», arrive à l'échéance de sa "
            "prochaine révision, prévue le «Date prochaine révision». Un entretien suivi selon "
            "les préconisations du constructeur préserve sa fiabilité, sa garantie et sa valeur "
            "de revente.",
            "Nos techniciens vous accueillent du lundi au samedi. Sur simple réservation, un "
            "véhicule de courtoisie est mis à votre disposition pendant l'intervention.",
            "Pour prendre rendez-vous, appelez notre accueil atelier au «Site - Téléphone» ou "
            "réservez en ligne : «Site - Lien de réservation».",
        ],
    ),
    "inspection": (
        "Objet : le contrôle technique de votre «Marque» «Modèle» («Immatriculation»)",
        [
            "Le contrôle technique de votre véhicule est à réaliser avant le «Date contrôle "
            "technique (CT)». Passé cette date, vous risquez une amende et l'immobilisation de "
            "votre véhicule.",
            "Pour l'aborder sereinement, nous vous proposons un pré-contrôle gratuit de votre "
            "véhicule de «Âge du véhicule» : freins, éclairage, pneumatiques, suspensions et "
            "pollution. Nous pouvons aussi conduire votre véhicule au centre de contrôle pour "
            "vous.",
            "Prenez rendez-vous dès maintenant au «Site - Téléphone» ou en ligne : "
            "«Site - Lien de réservation».",
        ],
    ),
    "open_days": (
        "Objet : nos journées portes ouvertes du [dates]",
        [
            "Nous avons le plaisir de vous inviter à nos journées portes ouvertes, les [dates], "
            "de [heures], au «Site - Adresse», «Site - Code postal» «Site - Ville».",
            "Vous y découvrirez nos nouveautés, pourrez les essayer librement et profiterez "
            "d'offres réservées à nos clients, dont une estimation gratuite de votre "
            "«Marque» «Modèle».",
            "Présentez ce courrier à l'accueil : un cadeau de bienvenue vous y attend.",
        ],
    ),
    "win_back": (
        "Objet : une offre pour votre «Marque» «Modèle»",
        [
            "Cela fait quelque temps que nous n'avons pas eu le plaisir de vous accueillir dans "
            "notre atelier, et votre véhicule a maintenant «Âge du véhicule».",
            "Pour vous retrouver, nous vous proposons [offre : par exemple 20 % de remise sur "
            "la main-d'œuvre de votre prochain entretien], valable jusqu'au [date], sur "
            "présentation de ce courrier.",
            "Nos techniciens connaissent votre véhicule et utilisent des pièces d'origine "
            "garanties. Appelez-nous au «Site - Téléphone» pour prendre rendez-vous.",
        ],
    ),
}


def _site(column: str, lang: str) -> str:
    """The merge field of the customer's site's *column*, named in *lang* (``«Site - Ville»``)."""
    return f"«{get_field(f'customer.site_{column}').label(lang)}»"


def _letterhead(lang: str) -> tuple[str, str]:
    """The site's name, address and phone; its e-mail and website (merge fields)."""
    name = f"«{get_field('customer.site').aliases[0 if lang == 'fr' else 1]}»"
    first = (
        f"{name} — {_site('address', lang)}, {_site('postal_code', lang)} "
        f"{_site('city', lang)} — {_site('phone', lang)}"
    )
    return first, f"{_site('email', lang)} — {_site('website', lang)}"


def _base_document(lang: str = "fr"):
    """A blank A4 letter with the site's letterhead (merge fields) and the GDPR notice, in
    *lang*."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    style.paragraph_format.space_after = Pt(6)
    first, second = _letterhead(lang)
    header = section.header.paragraphs[0]
    header.text = first
    header.runs[0].bold = True
    contact = section.header.add_paragraph(second)
    contact.runs[0].font.size = Pt(9)
    footer = section.footer.paragraphs[0]
    # Translators: {email} is the merge field of the site's e-mail («Site - E-mail»).
    footer.text = _(
        "Under the GDPR, you can object to receiving our letters by writing to us at the "
        "address above or at {email}.",
        lang,
    ).format(email=_site("email", lang))
    footer.runs[0].font.size = Pt(8)
    footer.runs[0].font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    return doc


def build_starter(key: str):
    """The starter letter *key* (see :data:`STARTERS`) as a python-docx Document."""
    subject, paragraphs = _LETTERS[key]
    doc = _base_document()
    address = doc.add_paragraph("«Bloc adresse»")
    address.paragraph_format.left_indent = Cm(9.5)
    address.paragraph_format.space_before = Pt(36)
    address.paragraph_format.space_after = Pt(30)
    date = doc.add_paragraph(f"{_PLACE}, le «Date du jour»")
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(subject).runs[0].bold = True
    doc.add_paragraph("«Formule d'appel»,").paragraph_format.space_before = Pt(18)
    for text in paragraphs:
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    doc.add_paragraph(
        "Nous vous prions d'agréer, «Formule d'appel», l'expression de nos salutations distinguées."
    )
    signature = doc.add_paragraph("\n".join(_SIGNATURE))
    signature.paragraph_format.left_indent = Cm(9.5)
    signature.paragraph_format.space_before = Pt(24)
    return doc


def _save(doc, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with files.atomic_path(path) as tmp:
        doc.save(tmp)


def write_starters(folder: str | os.PathLike[str]) -> list[Path]:
    """Write every starter letter into *folder*; return their paths."""
    folder = Path(folder)
    paths = []
    for starter in STARTERS:
        path = folder / starter.filename
        _save(build_starter(starter.key), path)
        paths.append(path)
    return paths


def starter_templates(
    fallback: str | os.PathLike[str] | None = None,
) -> list[tuple[StarterTemplate, Path]]:
    """The starter letters with their files: the shipped ones, or ones built into *fallback*
    (default: Cible's data folder) when the resources folder is missing."""
    if all((RESOURCES / s.filename).is_file() for s in STARTERS):
        return [(s, RESOURCES / s.filename) for s in STARTERS]
    if fallback is None:
        from app.models.db import data_dir

        fallback = data_dir() / "templates"
    folder = Path(fallback)
    if not all((folder / s.filename).is_file() for s in STARTERS):
        write_starters(folder)
    return [(s, folder / s.filename) for s in STARTERS]


def _field_name(field: MergeField, lang: str) -> str:
    return field.label(lang)


def write_new_template(
    path: str | os.PathLike[str], target: Target, lang: str = "fr"
) -> list[MergeField]:
    """A starter letter for *target* that lists the merge fields it can use, then a short
    letter using a few of them. Returns the fields listed."""
    fr = lang == "fr"
    fields = available_merge_fields(target)
    doc = _base_document(lang)
    doc.add_heading(_("Merge fields available", lang), level=1)
    doc.add_paragraph(
        # Translators: the second column holds the field names of the other language (the
        # English names in a French template); "Insert Merge Field" is Word's command.
        _(
            "To use a field, type its name between « and » with no space (as in the letter "
            'below) or between braces, or insert it with Word\'s "Insert Merge Field". The French '
            "names and the codes of the second column work too. Delete this page before using the "
            "template.",
            lang,
        )
    )
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    head = table.rows[0].cells
    head[0].text = _("Field", lang)
    head[1].text = _("Also recognised as", lang)
    for field in fields:
        cells = table.add_row().cells
        # shown without the « » so that the list itself holds no merge field
        cells[0].text = _field_name(field, lang)
        other = field.en if fr else field.fr
        cells[1].text = _("{name}; {key}", lang).format(name=other, key=field.key)
    address = HELPERS_BY_KEY["letter.address_block"].label(lang)
    opening = HELPERS_BY_KEY["letter.opening"].label(lang)
    date = HELPERS_BY_KEY["letter.date"].label(lang)
    doc.add_page_break()
    doc.add_paragraph(f"«{address}»").paragraph_format.left_indent = Cm(9.5)
    # Translators: {date} is the merge field of today's date («Date du jour»).
    date_line = pgettext("date line of a letter", "{date}", lang).format(date=f"«{date}»")
    doc.add_paragraph(date_line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(f"«{opening}»,")
    doc.add_paragraph(_("[Your text.]", lang))
    # Translators: the closing of a new letter. A French closing repeats the opening: write its
    # merge field as «Formule d'appel» (the name the merge knows).
    doc.add_paragraph(_("Yours faithfully,", lang))
    _save(doc, Path(path))
    return fields
