"""When marketing SMS may be sent: a window per market, public holidays from ``holidays``.

Defaults (shared/COMPLIANCE.md §1; every value is a setting the user can change):

=========  ======================================  =============================================
market     hours (local time of the market)         days off
=========  ======================================  =============================================
FR         08:00–21:30 Monday to Saturday           Sundays and French public holidays (af2m)
CH         08:00–20:00 Monday to Saturday           Sundays and federal holidays
CA-QC      09:00–21:30 weekdays, 10:00–18:00        Quebec statutory holidays
           Saturday and Sunday (CRTC call hours)
CA         as CA-QC (the other provinces)           the province's statutory holidays
EE         09:00–20:00 Monday to Saturday           Sundays and Estonian public holidays
=========  ======================================  =============================================

The holidays are those of the site's region (:func:`market_for_site`): its ISO 3166-2
subdivision when the site has one (``CH-VD`` adds the lundi du Jeûne fédéral, ``CA-ON`` Family
Day, ``FR-57`` Saint-Étienne), else its country's national days; a Canadian province also
brings its time zone. Every message stores its region; :func:`window_for` finds its window.

Service messages (appointment confirmation, vehicle ready...) are exempt from the window.
Times are wall-clock times of the market's time zone; a send started outside the window moves to
:func:`next_allowed` — the first allowed minute at or after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.errors import CibleError
from app.i18n import N_, _

MARKETS = ("FR", "CH", "CA-QC", "CA", "EE")
#: The markets' names as users read them (English; :func:`market_name` translates).
MARKET_LABELS = {
    "FR": N_("France"),
    "CH": N_("Switzerland"),
    "CA-QC": N_("Quebec"),
    "CA": N_("Canada (other provinces)"),
    "EE": N_("Estonia"),
}
_COUNTRY_LABELS = {
    "FR": N_("France"),
    "CH": N_("Switzerland"),
    "CA": N_("Canada"),
    "EE": N_("Estonia"),
}
#: (French, English) names, for the window's code that has not moved to :func:`market_name`.
MARKET_NAMES = {m: (_(name, "fr"), name) for m, name in MARKET_LABELS.items()}
TIME_ZONES = {
    "FR": "Europe/Paris",
    "CH": "Europe/Zurich",
    "CA-QC": "America/Toronto",
    "CA": "America/Toronto",
    "EE": "Europe/Tallinn",
}


class WindowError(CibleError):
    """A send-window setting is not valid."""


def market_name(market: str, lang: str | None = None) -> str:
    """The name of *market* in the user's language (or *lang*): ``"CH"`` → ``"Suisse"``, a
    subdivision with its code (``"CH-VD"`` → ``"Suisse (VD)"``); an unknown market is shown as
    its code."""
    label = MARKET_LABELS.get(market)
    if label is not None:
        return _(label, lang)
    country, _sep, subdivision = market.partition("-")
    label = _COUNTRY_LABELS.get(country)
    if label is None or not subdivision:
        return market
    return f"{_(label, lang)} ({subdivision})"


def _window_of(market: str) -> str:
    return _("Send window {market}").format(market=market)


#: The province's time zone for Canadian regions (the market's own zone otherwise).
_CANADA_ZONES = {
    "CA-AB": "America/Edmonton", "CA-BC": "America/Vancouver", "CA-MB": "America/Winnipeg",
    "CA-NB": "America/Moncton", "CA-NL": "America/St_Johns", "CA-NS": "America/Halifax",
    "CA-NT": "America/Yellowknife", "CA-NU": "America/Iqaluit", "CA-ON": "America/Toronto",
    "CA-PE": "America/Halifax", "CA-QC": "America/Toronto", "CA-SK": "America/Regina",
    "CA-YT": "America/Whitehorse",
}  # fmt: skip


def _holiday_subdivision(country: str, subdivision: str) -> str | None:
    """The ``holidays`` package's subdivision for an ISO 3166-2 code's tail (``VD`` for
    CH-VD); French departments: Moselle (57) and Alsace (67, 68) have their own days, the
    others follow the national calendar."""
    import holidays as holidays_package

    if not subdivision:
        return None
    if country == "FR" and subdivision in ("67", "68"):
        subdivision = "6AE"
    try:
        known = holidays_package.country_holidays(country).subdivisions
    except NotImplementedError:
        return None
    return subdivision if subdivision in known else None


@lru_cache(maxsize=256)
def holidays(region: str, year: int) -> frozenset[dt.date]:
    """The public holidays of *region* in *year*: a market (``FR``, ``CH``, ``EE``) or an
    ISO 3166-2 subdivision (``CH-VD``, ``CA-QC``, ``FR-57``), from the maintained
    ``holidays`` package (a canton's or province's own days included)."""
    import holidays as holidays_package

    country, _sep, subdivision = region.upper().partition("-")
    try:
        days = holidays_package.country_holidays(
            country, subdiv=_holiday_subdivision(country, subdivision), years=year
        )
    except NotImplementedError:
        return frozenset()
    return frozenset(days)


def _parse_hhmm(text: Any, what: str) -> dt.time:
    try:
        hours, minutes = str(text).strip().split(":")
        return dt.time(int(hours), int(minutes))
    except (ValueError, TypeError):
        raise WindowError(
            _("{what}: {value!r} is not a time; use HH:MM, for example 08:00.").format(
                what=what, value=text
            )
        ) from None


@dataclass
class SendWindow:
    """Allowed hours per weekday (0 = Monday; ``None``: no sending that day), holidays off."""

    market: str
    #: ``hours[weekday]`` = (start, end) or ``None``.
    hours: list[tuple[dt.time, dt.time] | None] = field(default_factory=list)
    skip_holidays: bool = True
    time_zone: str = ""

    def __post_init__(self) -> None:
        if len(self.hours) != 7:
            raise WindowError(
                _("{window}: give hours for the 7 days of the week.").format(
                    window=_window_of(self.market)
                )
            )
        for hours in self.hours:
            if hours is not None and hours[0] >= hours[1]:
                raise WindowError(
                    _("{window}: {start} is not before {end}.").format(
                        window=_window_of(self.market),
                        start=f"{hours[0]:%H:%M}",
                        end=f"{hours[1]:%H:%M}",
                    )
                )
        if not any(self.hours):
            raise WindowError(
                _("{window}: at least one day must allow sending.").format(
                    window=_window_of(self.market)
                )
            )

    @property
    def zone(self) -> dt.tzinfo | None:
        """The market's time zone (``None``: the computer's local time)."""
        return self.zone_of(None)

    def zone_of(self, region: str | None) -> dt.tzinfo | None:
        """The time zone of *region* (a Canadian province has its own), else the market's."""
        name = self.time_zone or _CANADA_ZONES.get(region or "") or TIME_ZONES.get(self.market, "")
        if not name:
            return None
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    def is_day_off(self, day: dt.date, region: str | None = None) -> bool:
        """No sending on *day*: a day without hours, or a public holiday of *region* (the
        site's canton or province, ``CH-VD``) or else of the market."""
        if self.hours[day.weekday()] is None:
            return True
        return self.skip_holidays and day in holidays(region or self.market, day.year)

    def allows(self, when: dt.datetime, region: str | None = None) -> bool:
        """True if *when* (naive = the market's local time) is inside the window of *region*
        (its holidays and time zone; default: the market's)."""
        local = self._local(when, region)
        if self.is_day_off(local.date(), region):
            return False
        start, end = self.hours[local.weekday()]  # type: ignore[misc]
        return start <= local.time().replace(second=0, microsecond=0) < end

    def next_allowed(self, when: dt.datetime, region: str | None = None) -> dt.datetime:
        """The first allowed time at or after *when*, in the same form (naive or aware), for
        *region* (see :meth:`allows`)."""
        local = self._local(when, region)
        day = local.date()
        for offset in range(370):
            current = day + dt.timedelta(days=offset)
            if self.is_day_off(current, region):
                continue
            start, end = self.hours[current.weekday()]  # type: ignore[misc]
            if offset == 0:
                now = local.time()
                if now < start:
                    candidate = dt.datetime.combine(current, start)
                elif now < end:
                    return when
                else:
                    continue
            else:
                candidate = dt.datetime.combine(current, start)
            return self._back(candidate, when, region)
        raise WindowError(
            _("{window}: no allowed time within a year.").format(window=_window_of(self.market))
        )

    def _local(self, when: dt.datetime, region: str | None = None) -> dt.datetime:
        """*when* as a naive wall-clock time of the market (the computer's own time zone when
        the market's is unknown, e.g. Windows without the ``tzdata`` package)."""
        if when.tzinfo is None:
            return when
        return when.astimezone(self.zone_of(region)).replace(tzinfo=None)

    def _back(
        self, local: dt.datetime, original: dt.datetime, region: str | None = None
    ) -> dt.datetime:
        if original.tzinfo is None:
            return local
        zone = self.zone_of(region)
        aware = local.replace(tzinfo=zone) if zone else local.astimezone()
        return aware.astimezone(original.tzinfo)

    def to_dict(self) -> dict[str, Any]:
        return {
            "hours": [
                None if h is None else [f"{h[0]:%H:%M}", f"{h[1]:%H:%M}"] for h in self.hours
            ],
            "skip_holidays": self.skip_holidays,
            "time_zone": self.time_zone,
        }

    @classmethod
    def from_dict(cls, market: str, data: Any) -> SendWindow:
        if not isinstance(data, dict) or not isinstance(data.get("hours"), list):
            raise WindowError(
                _("{window}: expected an object with 'hours'.").format(window=_window_of(market))
            )
        hours: list[tuple[dt.time, dt.time] | None] = []
        for item in data["hours"]:
            if item is None:
                hours.append(None)
            elif isinstance(item, list | tuple) and len(item) == 2:
                what = _window_of(market)
                hours.append((_parse_hhmm(item[0], what), _parse_hhmm(item[1], what)))
            else:
                raise WindowError(
                    _("{window}: {value!r} is not [start, end].").format(
                        window=_window_of(market), value=item
                    )
                )
        return cls(
            market,
            hours,
            bool(data.get("skip_holidays", True)),
            str(data.get("time_zone") or ""),
        )


def _t(text: str) -> dt.time:
    return _parse_hhmm(text, "default")


def default_windows() -> dict[str, SendWindow]:
    fr = (_t("08:00"), _t("21:30"))
    ch = (_t("08:00"), _t("20:00"))
    # CRTC telemarketing hours, the same for every province
    ca_week, ca_weekend = (_t("09:00"), _t("21:30")), (_t("10:00"), _t("18:00"))
    ee = (_t("09:00"), _t("20:00"))
    return {
        "FR": SendWindow("FR", [fr] * 6 + [None]),
        "CH": SendWindow("CH", [ch] * 6 + [None]),
        "CA-QC": SendWindow("CA-QC", [ca_week] * 5 + [ca_weekend] * 2),
        "CA": SendWindow("CA", [ca_week] * 5 + [ca_weekend] * 2),
        "EE": SendWindow("EE", [ee] * 6 + [None]),
    }


def market_region(market: str | None) -> str:
    """The country of a send-window market or region, for
    :func:`app.export.sms.phones.display`: ``CA-QC`` → ``CA``; none → France."""
    return (market or "FR").split("-")[0].upper() or "FR"


def normalise_subdivision(value: str | None, country: str | None = None) -> str | None:
    """An ISO 3166-2 subdivision as stored on a site: ``ch-vd`` → ``CH-VD``; ``VD`` with the
    site's *country* CH → ``CH-VD``; empty → ``None``. Raises :class:`WindowError` when it is
    not one (two letters, a dash, one to three letters or digits) or names another country."""
    text = (value or "").strip().upper().replace("_", "-")
    if not text:
        return None
    code = (country or "").strip().upper()
    if "-" not in text and code:
        text = f"{code}-{text}"
    prefix, _sep, tail = text.partition("-")
    if not (
        len(prefix) == 2 and prefix.isalpha() and 1 <= len(tail) <= 3 and tail.isalnum()
    ) or (code and prefix != code):
        raise WindowError(
            _("{value!r} is not a subdivision of {country} (ISO 3166-2, e.g. CH-VD, CA-QC).").format(
                value=value, country=code or "?"
            )
        )
    return text


def market_for_site(country: str | None, subdivision: str | None = None) -> str:
    """The send region of a site, stored with each message: its subdivision when known
    (``CH-VD``, ``CA-QC``, ``CA-ON``: that canton's or province's holidays and time zone),
    else its country's market; an unknown country uses France's rules, the strictest default.
    :func:`window_for` finds the window of a region."""
    code = (country or "").strip().upper()
    sub = (subdivision or "").strip().upper()
    if sub[:2].isalpha() and sub[2:3] == "-" and (not code or sub[:2] == code):
        if window_market(sub) != "FR" or sub.startswith("FR-"):
            return sub
    return window_market(code)


def window_market(region: str | None) -> str:
    """The send-window market of a region: ``CH-VD`` → ``CH``, ``CA-QC`` → ``CA-QC`` (Quebec
    has its own window), ``CA-ON`` → ``CA``, an unknown country → ``FR``."""
    code = (region or "").strip().upper()
    if code in MARKETS:
        return code
    country = code[:2]
    return country if country in MARKETS else "FR"


def market_for_country(country: str | None) -> str:
    """The send region of a site known only by its country (:func:`market_for_site`)."""
    return market_for_site(country)


def window_for(windows: dict[str, SendWindow], region: str | None) -> SendWindow:
    """The send window that applies to *region* (its own, its market's, else France's)."""
    code = (region or "FR").upper()
    return windows.get(code) or windows.get(window_market(code)) or windows["FR"]
