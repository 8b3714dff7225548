"""The programs' settings (one JSON :class:`~app.models.activity.Setting` row, ``programs``).

* ``monthly_cap``: at most this many marketing contacts per customer per calendar month, across
  programs, campaigns and sends made by hand, on every channel, pending and scheduled messages
  counted (:mod:`app.programs.channels`). 0 = no cap.
* ``service_intervals``: the service interval by brand and energy, first match wins (an empty
  brand or energy matches any); the last entry without brand nor energy is the default.
* ``skip_serviced_days``: no service reminder for a vehicle serviced in the last N days.
* ``came_back_days``: a contacted customer "came back" with a customer workshop invoice within
  N days after the contact (:mod:`app.programs.effectiveness`).
* ``call_markets``: the phone-call rules per market (shared/COMPLIANCE.md §7).
* ``out_folder``: where runs write their documents (empty: next to the database).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import CibleError
from app.i18n import _
from app.models.activity import Setting

SETTING_KEY = "programs"


@dataclass
class ServiceInterval:
    """Service every ``days`` days or every ``km`` kilometres, whichever comes first."""

    brand: str = ""
    energy: str = ""
    days: int = 365
    km: int = 20000


@dataclass
class CallRules:
    """When and how often a market allows marketing calls (COMPLIANCE §7)."""

    #: Per weekday (0 = Monday): the allowed periods as "HH:MM-HH:MM" (empty: no calls).
    hours: list[list[str]] = field(default_factory=list)
    calls_per_30_days: int = 4
    days_after_refusal: int = 60
    #: From this date (ISO), a call needs consent or a contract in progress (France: 2026-08-11).
    consent_from: str = ""
    #: A sale delivered within these days is a contract in progress (with running financing or a
    #: plan sold with the vehicle).
    recent_sale_days: int = 90
    #: No calls on the market's public holidays.
    no_holidays: bool = True


def _fr_rules() -> CallRules:
    weekday = ["10:00-13:00", "14:00-20:00"]
    return CallRules(hours=[weekday] * 5 + [[], []], consent_from="2026-08-11")


def _ca_rules() -> CallRules:
    return CallRules(
        hours=[["09:00-21:30"]] * 5 + [["10:00-18:00"], ["10:00-18:00"]],
        calls_per_30_days=4,
        days_after_refusal=60,
        no_holidays=False,
    )


def _other_rules() -> CallRules:
    weekday = ["09:00-12:00", "14:00-19:00"]
    return CallRules(hours=[weekday] * 5 + [[], []])


def default_call_markets() -> dict[str, CallRules]:
    return {"FR": _fr_rules(), "CA": _ca_rules(), "*": _other_rules()}


def default_intervals() -> list[ServiceInterval]:
    return [
        ServiceInterval(energy="ELECTRIQUE", days=730, km=30000),
        ServiceInterval(brand="DACIA", days=365, km=20000),
        ServiceInterval(energy="DIESEL", days=365, km=25000),
        ServiceInterval(days=365, km=20000),
    ]


@dataclass
class ProgramSettings:
    monthly_cap: int = 4
    service_intervals: list[ServiceInterval] = field(default_factory=default_intervals)
    skip_serviced_days: int = 60
    came_back_days: int = 90
    call_markets: dict[str, CallRules] = field(default_factory=default_call_markets)
    out_folder: str = ""

    def call_rules(self, market: str) -> CallRules:
        return self.call_markets.get(market) or self.call_markets.get("*") or _other_rules()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> ProgramSettings:
        if not isinstance(data, dict):
            raise CibleError(_("The loyalty programs' settings are damaged (not an object)."))
        base = cls()
        try:
            return cls(
                monthly_cap=int(data.get("monthly_cap", base.monthly_cap)),
                service_intervals=[
                    ServiceInterval(**item)
                    for item in data.get(
                        "service_intervals", [asdict(i) for i in base.service_intervals]
                    )
                ],
                skip_serviced_days=int(data.get("skip_serviced_days", base.skip_serviced_days)),
                came_back_days=int(data.get("came_back_days", base.came_back_days)),
                call_markets={
                    str(k): CallRules(**v)
                    for k, v in data.get(
                        "call_markets", {k: asdict(v) for k, v in base.call_markets.items()}
                    ).items()
                },
                out_folder=str(data.get("out_folder", "")),
            )
        except (TypeError, ValueError) as error:
            raise CibleError(
                _("The loyalty programs' settings are damaged: {error}").format(error=error)
            ) from None


def load_settings(session: Session) -> ProgramSettings:
    raw = session.execute(select(Setting.value).where(Setting.key == SETTING_KEY)).scalar()
    if raw is None:
        return ProgramSettings()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise CibleError(_("The loyalty programs' settings are damaged (not JSON).")) from None
    return ProgramSettings.from_dict(data)


def save_settings(session: Session, settings: ProgramSettings) -> None:
    text = json.dumps(settings.to_dict(), ensure_ascii=False)
    row = session.get(Setting, SETTING_KEY)
    if row is None:
        session.add(Setting(key=SETTING_KEY, value=text))
    else:
        row.value = text
    session.flush()
