"""One program per type with sensible defaults a manager can change (issue 15, point 2).

The templates are French starters (the users' language); letters use the starter .docx files
in ``app/resources/templates/`` (a relative path is looked up there).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import N_, _
from app.models.programs import Program, ProgramSchedule, ProgramType
from app.programs.rules import add_months

_HELLO = "<p>«Formule d'appel»,</p>"
_SIGN = "<p>Toute l'équipe de {site} vous remercie de votre confiance.</p>"


@dataclass
class Default:
    name: str  # English, translated when the program is created
    offset: int
    channels: str
    templates: dict[str, Any]
    schedule: ProgramSchedule = ProgramSchedule.DAILY
    late: int = 30
    parameters: dict[str, Any] = field(default_factory=dict)


def _mail(subject: str, body: str) -> dict[str, str]:
    return {"subject": subject, "html": _HELLO + f"<p>{body}</p>" + _SIGN}


DEFAULTS: dict[ProgramType, Default] = {
    ProgramType.PRE_WELCOME: Default(
        N_("Welcome for signed orders"), 2, "email,sms",
        {
            "email": _mail("Merci pour votre commande", "Merci d'avoir commandé votre {modèle} : "
                           "nous vous préviendrons dès son arrivée."),
            "sms": "Bonjour {civilité} {nom}, merci pour votre commande. Nous vous préviendrons "
                   "dès l'arrivée de votre {modèle}. {site}",
        },
    ),
    ProgramType.WELCOME: Default(
        N_("Welcome for new car customers"), 3, "email,sms",
        {
            "email": _mail("Bienvenue chez {site}", "Bienvenue ! Votre {modèle} "
                           "({immatriculation}) vous attend pour son premier entretien."),
            "sms": "Bienvenue {civilité} {nom} ! Toute l'équipe {site} vous souhaite bonne "
                   "route avec votre {modèle}.",
        },
    ),
    ProgramType.COURTESY_CALL: Default(
        N_("Courtesy call 24-48 h after delivery"), 1, "phone",
        {"phone": "Bonjour {civilité} {nom}, ici {site}. Vous avez pris livraison de votre "
                  "{modèle} : tout se passe bien ? Avez-vous des questions sur le véhicule ?"},
        late=2,
    ),
    ProgramType.COURTESY_6M: Default(
        N_("Courtesy call 6 months after delivery"), 0, "phone,email",
        {
            "phone": "Bonjour {civilité} {nom}, ici {site}. Cela fait six mois que vous roulez "
                     "en {modèle} : en êtes-vous satisfait ?",
            "email": _mail("Six mois avec votre {modèle}", "Cela fait six mois que vous roulez "
                           "en {modèle}. Tout va bien ?"),
        },
        late=14,
    ),
    ProgramType.ANNIVERSARY: Default(
        N_("Purchase anniversaries"), 0, "email,sms",
        {
            "email": _mail("Joyeux anniversaire à votre {modèle}", "Votre {modèle} fête un an "
                           "de plus avec vous : merci de votre fidélité."),
            "sms": "Bonjour {civilité} {nom}, votre {modèle} fête son anniversaire : merci de "
                   "votre fidélité ! {site}",
        },
        late=14,
    ),
    ProgramType.SERVICE: Default(
        N_("Service reminders"), -30, "sms,email,post",
        {
            # no date in the text: a due date computed from the invoices is not a merge field
            "sms": "Bonjour {civilité} {nom}, l'entretien de votre {modèle} est à prévoir dans "
                   "les prochaines semaines. Prenez rendez-vous avec {site}.",
            "email": _mail("L'entretien de votre {modèle}", "L'entretien de votre {modèle} "
                           "({immatriculation}) est à prévoir dans les prochaines semaines."),
            "post": "rappel_entretien.docx",
        },
    ),
    ProgramType.INSPECTION: Default(
        N_("Roadworthiness test (CT) reminders"), -30, "sms,email,post",
        {
            "sms": "Bonjour {civilité} {nom}. Le contrôle technique de votre {modèle} arrive à "
                   "échéance le {date ct}. Nous vous proposons un pré-contrôle gratuit. {site}",
            "email": _mail("Le contrôle technique de votre {modèle}", "Le contrôle technique de "
                           "votre {modèle} arrive à échéance le «Date contrôle technique (CT)»."),
            "post": "controle_technique.docx",
        },
    ),
    ProgramType.WARRANTY_END: Default(
        N_("Warranty end: extension offer"), -60, "email,sms",
        {
            "email": _mail("La garantie de votre {modèle} se termine", "La garantie de votre "
                           "{modèle} se termine le {fin de garantie} : prolongez-la."),
            "sms": "Bonjour {civilité} {nom}, la garantie de votre {modèle} se termine le "
                   "{fin de garantie}. Prolongez-la avec {site}.",
        },
    ),
    ProgramType.EXT_WARRANTY_END: Default(
        N_("Extended warranty end"), -60, "email,sms",
        {
            "email": _mail("Votre extension de garantie se termine", "L'extension de garantie "
                           "de votre {modèle} arrive à son terme : parlons-en."),
            "sms": "Bonjour {civilité} {nom}, l'extension de garantie de votre {modèle} arrive "
                   "à son terme. {site}",
        },
    ),
    ProgramType.MOBILITY_END: Default(
        N_("Mobility guarantee end"), -30, "email,sms",
        {
            "email": _mail("Votre garantie mobilité se termine", "La garantie mobilité de votre "
                           "{modèle} arrive à son terme : un entretien chez nous la renouvelle."),
            "sms": "Bonjour {civilité} {nom}, la garantie mobilité de votre {modèle} se termine."
                   " Un entretien chez {site} la renouvelle.",
        },
    ),
    ProgramType.THANKS_WORKSHOP: Default(
        N_("Thank-you after a workshop visit"), 14, "sms,email",
        {
            "sms": "Bonjour {civilité} {nom}, merci de votre visite à l'atelier {site}. Votre "
                   "{modèle} vous donne-t-il satisfaction ?",
            "email": _mail("Merci de votre visite", "Merci d'avoir confié votre {modèle} à "
                           "notre atelier."),
        },
    ),
    ProgramType.THANKS_PURCHASE: Default(
        N_("Thank-you after a purchase"), 7, "email,sms",
        {
            "email": _mail("Merci pour votre achat", "Merci d'avoir choisi votre {modèle} chez "
                           "nous."),
            "sms": "Bonjour {civilité} {nom}, merci d'avoir choisi votre {modèle} chez {site} !",
        },
    ),
    ProgramType.GREETINGS: Default(
        N_("Season's greetings"), 0, "email,sms",
        {
            "email": _mail("Joyeuses fêtes", "Toute l'équipe vous souhaite de joyeuses fêtes de "
                           "fin d'année."),
            "sms": "Bonjour {civilité} {nom}, toute l'équipe {site} vous souhaite de joyeuses "
                   "fêtes !",
        },
        late=10,
    ),
    ProgramType.NEWSLETTER: Default(
        N_("Quarterly newsletter"), 0, "email",
        {"email": _mail("Les nouvelles de {site}", "Découvrez nos nouveautés et nos offres du "
                        "trimestre.")},
        schedule=ProgramSchedule.DATE,
        late=10,
    ),
}  # fmt: skip


def new_program(kind: ProgramType, *, owner: str = "", lang: str | None = None) -> Program:
    """A program of *kind* with its defaults (not added to a session)."""
    d = DEFAULTS[kind]
    return Program(
        name=_(d.name, lang),
        type=kind,
        criteria="",
        offset_days=d.offset,
        late_days=d.late,
        channels=d.channels,
        templates=json.dumps(d.templates, ensure_ascii=False),
        schedule=d.schedule,
        schedule_day=1,
        owner=owner,
        paused=False,
        control_percent=0,
        parameters=json.dumps(d.parameters),
    )


def install_defaults(
    session: Session, *, owner: str = "", lang: str | None = None, today: dt.date | None = None
) -> int:
    """Add the default program of each type that has no program yet; return how many. The
    newsletter is dated the first day of the month after *today*."""
    have = set(session.execute(select(Program.type)).scalars())
    added = 0
    for kind in ProgramType:
        if kind in have:
            continue
        program = new_program(kind, owner=owner, lang=lang)
        if kind is ProgramType.NEWSLETTER:
            first = (today or dt.date.today()).replace(day=1)
            program.schedule_date = add_months(first, 1)
        session.add(program)
        added += 1
    session.flush()
    return added
