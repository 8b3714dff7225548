"""The sites' own details, as letters print them (File › Sites…; merge fields «Site - …»).

:data:`SITE_FIELDS` is the one list of the details a user edits per site: the Sites window
builds its form from it and :func:`save_site` checks each value by its kind. A new detail is a
new column of :class:`~app.models.dealership.Site` (with its migration), a catalog field if
letters print it (group ``site`` of :mod:`app.query.catalog`), and one line here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import CibleError
from app.i18n import N_, _
from app.models.dealership import Site


class SiteError(CibleError):
    """A site detail that cannot be saved (the message names the detail)."""


@dataclass(frozen=True)
class SiteField:
    """A detail of a site the user edits."""

    column: str
    #: The label (English, translated by :meth:`label`).
    name: str
    #: "text", "email", "url" or "subdivision" (how the value is checked).
    kind: str = "text"
    required: bool = False

    def label(self, lang: str | None = None) -> str:
        return _(self.name, lang)

    @property
    def max_length(self) -> int:
        return int(Site.__table__.c[self.column].type.length or 200)


# Translators: the details of a site in the Sites window (what letters print about it).
SITE_FIELDS: tuple[SiteField, ...] = (
    SiteField("name", N_("Name"), required=True),
    SiteField("address", N_("Address")),
    SiteField("postal_code", N_("Postal code")),
    SiteField("city", N_("City")),
    SiteField("phone", N_("Phone")),
    SiteField("email", N_("E-mail"), "email"),
    SiteField("website", N_("Website"), "url"),
    SiteField("booking_url", N_("Booking link"), "url"),
    # The send windows (SMS, calls) follow the canton's or province's holidays and time zone.
    SiteField("subdivision", N_("Canton, province or department (ISO 3166-2: CH-VD, CA-QC)"), "subdivision"),
)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_SUBDIVISION = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")
_URL = re.compile(r"https?://[^\s/.]+(\.[^\s/.]+)+(/\S*)?", re.IGNORECASE)


def clean_site_value(field: SiteField, text: str | None, lang: str | None = None) -> str | None:
    """*text* as stored (spaces collapsed, ``https://`` added to a bare web address), ``None``
    when empty; :class:`SiteError` naming the detail when it is not valid."""
    value = " ".join((text or "").split())
    label = field.label(lang)
    if not value:
        if field.required:
            raise SiteError(_("{field} cannot be empty.", lang).format(field=label))
        return None
    if field.kind == "url" and not re.match(r"[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        value = "https://" + value
    if len(value) > field.max_length:
        raise SiteError(
            _("{field}: at most {n} characters.", lang).format(field=label, n=field.max_length)
        )
    if field.kind == "email" and not _EMAIL.fullmatch(value):
        raise SiteError(
            _("{field}: {value} is not an e-mail address.", lang).format(field=label, value=value)
        )
    if field.kind == "subdivision":
        value = value.upper().replace("_", "-").replace(" ", "")
        if not _SUBDIVISION.fullmatch(value):
            raise SiteError(
                _("{field}: {value} is not an ISO 3166-2 code (CH-VD, CA-QC, FR-57).", lang).format(
                    field=label, value=value
                )
            )
    if field.kind == "url" and not _URL.fullmatch(value):
        raise SiteError(
            _("{field}: {value} is not a web address (https://…).", lang).format(
                field=label, value=value
            )
        )
    return value


def list_sites(session: Session) -> list[Site]:
    """Every site, by code."""
    return list(session.scalars(select(Site).order_by(Site.code)))


def site_values(site: Site) -> dict[str, str]:
    """The details of *site* as the form shows them (empty text for none)."""
    return {f.column: getattr(site, f.column) or "" for f in SITE_FIELDS}


def save_site(
    session: Session, site_id: int, values: Mapping[str, str | None], lang: str | None = None
) -> Site:
    """Check every detail of *values* (columns of :data:`SITE_FIELDS`), then store them all;
    :class:`SiteError` (nothing stored) at the first that is not valid."""
    site = session.get(Site, site_id)
    if site is None:
        raise SiteError(_("This site no longer exists.", lang))
    fields = {f.column: f for f in SITE_FIELDS}
    cleaned = {
        column: clean_site_value(fields[column], text, lang)
        for column, text in values.items()
        if column in fields
    }
    for column, value in cleaned.items():
        setattr(site, column, value)
    session.flush()
    return site
