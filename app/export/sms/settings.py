"""SMS settings: sender name, opt-out mention, price, send windows, gateway (no secrets).

Stored as one JSON value in the ``setting`` table under :data:`SETTING_KEY`. The gateway's
password or API key is never part of it: it lives in the OS keyring (see
:func:`app.export.sms.gateway.store_secret`).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from app.errors import CibleError
from app.export.sms.windows import MARKETS, SendWindow, WindowError, default_windows
from app.i18n import _, format_count, ngettext
from app.models.activity import Setting
from app.models.demo import DEMO_SETTING

SETTING_KEY = "sms"
#: Provider presets (:data:`app.export.sms.providers.PRESETS` describes each).
PRESETS = ("ovh", "smsmode", "brevo", "twilio")
GATEWAYS = ("http", "outbox", *PRESETS)
#: The highest "maximum number of segments" the settings accept (providers concatenate up to
#: about ten parts; phones show longer ones badly).
MAX_SEGMENTS_LIMIT = 10


class SettingsError(CibleError):
    """An SMS setting is missing or not valid."""


@dataclass
class HttpConfig:
    """How to reach a provider's HTTP API (Twilio, Vonage, OVHcloud, smsmode, Brevo...).

    ``fields`` maps Cible's names (``to``, ``text``, ``sender``, ``key``) onto the provider's
    request fields; ``extra`` adds fixed fields. Response and status fields are dotted paths
    (``messages.0.id``).
    """

    url: str = ""
    #: ``json`` or ``form``.
    body: str = "json"
    fields: dict[str, str] = field(
        default_factory=lambda: {
            "to": "to",
            "text": "text",
            "sender": "from",
            "key": "reference",
        }
    )
    extra: dict[str, Any] = field(default_factory=dict)
    #: ``none``, ``bearer`` (API key as a bearer token), ``basic`` (account + secret) or
    #: ``header`` (API key in :attr:`auth_header`).
    auth: str = "bearer"
    auth_header: str = "X-Api-Key"
    #: Account or user name (not secret); also names the keyring entry.
    account: str = ""
    #: HTTP header carrying the idempotency key (empty: only the ``key`` field).
    idempotency_header: str = "Idempotency-Key"
    #: Where the provider's message id is in the response.
    id_field: str = "id"
    #: Delivery status: GET this URL (``{id}`` replaced by the provider's message id).
    status_url: str = ""
    status_field: str = "status"
    status_reason_field: str = "error"
    delivered_values: list[str] = field(default_factory=lambda: ["delivered"])
    failed_values: list[str] = field(
        default_factory=lambda: ["failed", "undelivered", "rejected", "expired"]
    )
    #: A message by Cible's reference (``{key}``): GET this URL to learn whether a message whose
    #: answer was lost reached the provider (empty: the provider cannot be asked; a person
    #: decides). A 404 means the provider does not know it.
    lookup_url: str = ""
    #: Replies (for STOP): GET this URL; a JSON list, or an object with the list in
    #: :attr:`replies_field`.
    replies_url: str = ""
    replies_field: str = "replies"
    reply_from_field: str = "from"
    reply_text_field: str = "text"
    reply_date_field: str = "date"
    timeout: float = 10.0
    retries: int = 3
    #: Seconds before the first retry; doubled at each further one.
    backoff: float = 1.0
    #: Requests per second at most (0: no limit); halved at each 429/503 of a run.
    rate_per_second: float = 5.0
    #: The longest wait Cible accepts from a provider's ``Retry-After``, in seconds.
    retry_after_cap: float = 60.0

    @classmethod
    def from_dict(cls, data: Any) -> HttpConfig:
        if not isinstance(data, dict):
            raise SettingsError(_("The HTTP gateway settings must be an object."))
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise SettingsError(
                ngettext(
                    "Unknown HTTP gateway setting: {names}.",
                    "Unknown HTTP gateway settings: {names}.",
                    len(unknown),
                ).format(names=", ".join(sorted(unknown)))
            )
        config = cls(**data)
        if config.body not in ("json", "form"):
            raise SettingsError(
                _("HTTP gateway: body must be json or form, not {value!r}.").format(
                    value=config.body
                )
            )
        if config.auth not in ("none", "bearer", "basic", "header"):
            raise SettingsError(
                _("HTTP gateway: unknown authentication {value!r}.").format(value=config.auth)
            )
        for name in ("to", "text"):
            if not config.fields.get(name):
                raise SettingsError(
                    _("HTTP gateway: the field mapping needs {name!r}.").format(name=name)
                )
        return config


@dataclass
class SmsSettings:
    sender_name: str = ""
    #: Appended to marketing messages that lack it, e.g. "STOP au 36111".
    optout_mention: str = ""
    #: Euros per segment, as text to stay exact (e.g. "0.045").
    price_per_segment: str = "0.05"
    gateway: str = "outbox"
    http: HttpConfig = field(default_factory=HttpConfig)
    #: Folder of the outbox CSV files (empty: next to the database).
    outbox_dir: str = ""
    #: Marketing SMS skip numbers that had a marketing SMS in the last N days, messages waiting
    #: (pending, scheduled) included, and customers sent any SMS then (0: no such rule).
    recent_days: int = 7
    #: Accents of the customers' data that would force UCS-2 are replaced (LEFÈVRE → LEFEVRE):
    #: one accented capital in a name would otherwise halve the characters of that SMS.
    gsm_safe_values: bool = True
    #: A scheduled or pending message not handed over within this many days of its time (the
    #: computer was off, the send was left waiting) expires: it is never sent afterwards.
    expire_days: int = 7
    #: Provider presets (:mod:`app.export.sms.providers`): the values typed for each (account,
    #: service name...; never a secret: those are in the keyring), by preset key.
    providers: dict[str, dict[str, str]] = field(default_factory=dict)
    #: A message longer than this many segments is refused (a 2,000-character text would go
    #: as 14 billed segments to everyone).
    max_segments: int = 3
    windows: dict[str, SendWindow] = field(default_factory=default_windows)
    #: The database is a demo one (invented customers whose random phone numbers may belong
    #: to real people): set by :func:`load_settings`, never saved; the HTTP gateway refuses it.
    demo_database: ClassVar[bool] = False

    @property
    def price(self) -> Decimal:
        try:
            value = Decimal(str(self.price_per_segment).replace(",", ".").strip() or "0")
        except InvalidOperation:
            raise SettingsError(
                _("The price per segment {value!r} is not a number.").format(
                    value=self.price_per_segment
                )
            ) from None
        if value < 0:
            raise SettingsError(_("The price per segment cannot be negative."))
        return value

    def cost_cents(self, segments: int) -> int:
        """The estimated cost of *segments* segments, in whole cents (rounded half up)."""
        return int((self.price * segments * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def validate(self) -> None:
        self.price  # noqa: B018 - raises if not a number
        if self.gateway not in GATEWAYS:
            raise SettingsError(
                _("Unknown SMS gateway {value!r}: use {names}.").format(
                    value=self.gateway, names=", ".join(GATEWAYS)
                )
            )
        name = self.sender_name.strip()
        if name and not (
            re.fullmatch(r"[A-Za-z0-9 .&-]{1,11}", name)
            and re.search(r"[A-Za-z]", name)
            or re.fullmatch(r"\+?[0-9]{1,15}", name)
        ):
            raise SettingsError(
                _(
                    "The sender name {name!r} must be 1 to 11 letters or digits (with at least "
                    "one letter), or a phone number of up to 15 digits."
                ).format(name=name)
            )
        if self.recent_days < 0:
            raise SettingsError(_("The number of days since the last SMS cannot be negative."))
        if self.expire_days < 1:
            raise SettingsError(_("Waiting messages expire after one day at least."))
        for key, values in self.providers.items():
            if key not in PRESETS or not isinstance(values, dict):
                raise SettingsError(_("Unknown SMS provider {key!r}.").format(key=key))
        if not 1 <= self.max_segments <= MAX_SEGMENTS_LIMIT:
            raise SettingsError(
                _("The maximum number of segments must be between 1 and {n}.").format(
                    n=MAX_SEGMENTS_LIMIT
                )
            )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["windows"] = {m: w.to_dict() for m, w in self.windows.items()}
        return data

    @classmethod
    def from_dict(cls, data: Any) -> SmsSettings:
        if not isinstance(data, dict):
            raise SettingsError(_("The SMS settings must be an object."))
        values = dict(data)
        http = HttpConfig.from_dict(values.pop("http", {}))
        windows = default_windows()
        try:
            for market, raw in (values.pop("windows", {}) or {}).items():
                if market not in MARKETS:
                    raise SettingsError(
                        _("Unknown send-window market {market!r}.").format(market=market)
                    )
                windows[market] = SendWindow.from_dict(market, raw)
        except WindowError as error:
            raise SettingsError(str(error)) from None
        known = {f for f in cls.__dataclass_fields__} - {"http", "windows"}
        unknown = set(values) - known
        if unknown:
            raise SettingsError(
                ngettext(
                    "Unknown SMS setting: {names}.", "Unknown SMS settings: {names}.", len(unknown)
                ).format(names=", ".join(sorted(unknown)))
            )
        settings = cls(http=http, windows=windows, **values)
        settings.recent_days = int(settings.recent_days)
        settings.expire_days = int(settings.expire_days)
        settings.providers = {
            str(k): {str(n): str(v) for n, v in (vs or {}).items()}
            if isinstance(vs, dict)
            else vs
            for k, vs in (settings.providers or {}).items()
        }
        try:
            settings.max_segments = int(settings.max_segments)
        except (TypeError, ValueError):
            raise SettingsError(
                _("The maximum number of segments {value!r} is not a number.").format(
                    value=settings.max_segments
                )
            ) from None
        settings.validate()
        return settings


def load_settings(session: Session) -> SmsSettings:
    row = session.get(Setting, SETTING_KEY)
    if row is None:
        settings = SmsSettings()
    else:
        try:
            data = json.loads(row.value)
        except json.JSONDecodeError:
            raise SettingsError(
                _("The SMS settings in the database are damaged (not JSON).")
            ) from None
        settings = SmsSettings.from_dict(data)
    settings.demo_database = session.get(Setting, DEMO_SETTING) is not None
    return settings


def save_settings(session: Session, settings: SmsSettings) -> None:
    settings.validate()
    text = json.dumps(settings.to_dict(), ensure_ascii=False, sort_keys=True)
    if len(text) > 4000:
        raise SettingsError(
            _("The SMS settings are too long to be saved (over {n} characters).").format(
                n=format_count(4000)
            )
        )
    row = session.get(Setting, SETTING_KEY)
    if row is None:
        session.add(Setting(key=SETTING_KEY, value=text))
    else:
        row.value = text
