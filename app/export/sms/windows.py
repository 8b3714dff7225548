"""When marketing SMS may be sent: a window per market, public holidays computed.

Defaults (shared/COMPLIANCE.md §1; every value is a setting the user can change):

=========  ======================================  =============================================
market     hours (local time of the market)         days off
=========  ======================================  =============================================
FR         08:00–21:30 Monday to Saturday           Sundays and French public holidays (af2m)
CH         08:00–20:00 Monday to Saturday           Sundays and federal holidays
CA-QC      09:00–21:30 weekdays, 10:00–18:00        Quebec statutory holidays
           Saturday and Sunday (CRTC call hours)
EE         09:00–20:00 Monday to Saturday           Sundays and Estonian public holidays
=========  ======================================  =============================================

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

MARKETS = ("FR", "CH", "CA-QC", "EE")
#: The markets' names as users read them (English; :func:`market_name` translates).
MARKET_LABELS = {
    "FR": N_("France"),
    "CH": N_("Switzerland"),
    "CA-QC": N_("Quebec"),
    "EE": N_("Estonia"),
}
#: (French, English) names, for the window's code that has not moved to :func:`market_name`.
MARKET_NAMES = {m: (_(name, "fr"), name) for m, name in MARKET_LABELS.items()}
TIME_ZONES = {
    "FR": "Europe/Paris",
    "CH": "Europe/Zurich",
    "CA-QC": "America/Toronto",
    "EE": "Europe/Tallinn",
}


class WindowError(CibleError):
    """A send-window setting is not valid."""


def market_name(market: str, lang: str | None = None) -> str:
    """The name of *market* in the user's language (or *lang*): ``"CH"`` → ``"Suisse"``; an
    unknown market is shown as its code."""
    label = MARKET_LABELS.get(market)
    return market if label is None else _(label, lang)


def _window_of(market: str) -> str:
    return _("Send window {market}").format(market=market)


def easter(year: int) -> dt.date:
    """Easter Sunday (Gregorian calendar; anonymous algorithm of Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


@lru_cache(maxsize=256)
def holidays(market: str, year: int) -> frozenset[dt.date]:
    """The public holidays of *market* in *year*."""
    e = easter(year)
    day = dt.timedelta(days=1)
    D = dt.date  # noqa: N806
    if market == "FR":
        return frozenset(
            {
                D(year, 1, 1),
                e + day,  # lundi de Pâques
                D(year, 5, 1),
                D(year, 5, 8),
                e + 39 * day,  # Ascension
                e + 50 * day,  # lundi de Pentecôte
                D(year, 7, 14),
                D(year, 8, 15),
                D(year, 11, 1),
                D(year, 11, 11),
                D(year, 12, 25),
            }
        )
    if market == "CH":
        return frozenset(
            {
                D(year, 1, 1),
                e - 2 * day,  # Good Friday (most cantons)
                e + day,
                e + 39 * day,
                e + 50 * day,
                D(year, 8, 1),
                D(year, 12, 25),
                D(year, 12, 26),
            }
        )
    if market == "CA-QC":
        may25 = D(year, 5, 25)
        patriots = may25 - dt.timedelta(days=(may25.weekday() - 0) % 7 or 7)
        return frozenset(
            {
                D(year, 1, 1),
                e - 2 * day,  # Vendredi saint
                e + day,  # lundi de Pâques
                patriots,  # Journée nationale des patriotes (Monday before 25 May)
                D(year, 6, 24),
                D(year, 7, 1),
                _nth_weekday(year, 9, 0, 1),  # fête du Travail
                _nth_weekday(year, 10, 0, 2),  # Action de grâce
                D(year, 12, 25),
            }
        )
    if market == "EE":
        return frozenset(
            {
                D(year, 1, 1),
                D(year, 2, 24),
                e - 2 * day,
                e,
                D(year, 5, 1),
                e + 49 * day,  # nelipühade 1. püha (Pentecost)
                D(year, 6, 23),
                D(year, 6, 24),
                D(year, 8, 20),
                D(year, 12, 24),
                D(year, 12, 25),
                D(year, 12, 26),
            }
        )
    return frozenset()


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
        name = self.time_zone or TIME_ZONES.get(self.market, "")
        if not name:
            return None
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    def is_day_off(self, day: dt.date) -> bool:
        if self.hours[day.weekday()] is None:
            return True
        return self.skip_holidays and day in holidays(self.market, day.year)

    def allows(self, when: dt.datetime) -> bool:
        """True if *when* (naive = the market's local time) is inside the window."""
        local = self._local(when)
        if self.is_day_off(local.date()):
            return False
        start, end = self.hours[local.weekday()]  # type: ignore[misc]
        return start <= local.time().replace(second=0, microsecond=0) < end

    def next_allowed(self, when: dt.datetime) -> dt.datetime:
        """The first allowed time at or after *when*, in the same form (naive or aware)."""
        local = self._local(when)
        day = local.date()
        for offset in range(370):
            current = day + dt.timedelta(days=offset)
            if self.is_day_off(current):
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
            return self._back(candidate, when)
        raise WindowError(
            _("{window}: no allowed time within a year.").format(window=_window_of(self.market))
        )

    def _local(self, when: dt.datetime) -> dt.datetime:
        """*when* as a naive wall-clock time of the market (the computer's own time zone when
        the market's is unknown, e.g. Windows without the ``tzdata`` package)."""
        if when.tzinfo is None:
            return when
        return when.astimezone(self.zone).replace(tzinfo=None)

    def _back(self, local: dt.datetime, original: dt.datetime) -> dt.datetime:
        if original.tzinfo is None:
            return local
        zone = self.zone
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
    qc_week, qc_weekend = (_t("09:00"), _t("21:30")), (_t("10:00"), _t("18:00"))
    ee = (_t("09:00"), _t("20:00"))
    return {
        "FR": SendWindow("FR", [fr] * 6 + [None]),
        "CH": SendWindow("CH", [ch] * 6 + [None]),
        "CA-QC": SendWindow("CA-QC", [qc_week] * 5 + [qc_weekend] * 2),
        "EE": SendWindow("EE", [ee] * 6 + [None]),
    }


def market_region(market: str | None) -> str:
    """The country of a send-window market, for :func:`app.export.sms.phones.display`:
    ``CA-QC`` → ``CA``; none → France."""
    return (market or "FR").split("-")[0].upper() or "FR"


def market_for_country(country: str | None) -> str:
    """The send-window market of a site's country: CA → CA-QC (Cible's Canadian users are in
    Quebec); an unknown country uses France's rules, the strictest default."""
    code = (country or "").strip().upper()
    if code == "CA":
        return "CA-QC"
    return code if code in MARKETS else "FR"
