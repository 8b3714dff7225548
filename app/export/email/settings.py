"""E-mail settings: the dealership's SMTP server, its limits, each site's sender. No Qt here.

Stored as one JSON value in the ``setting`` table under ``email``. The SMTP password is never
part of it: it lives in the OS keyring (service ``Cible e-mail``, the user name as account).

Presets fill the server and the provider's published limits (shared/COMPLIANCE.md §6); the
limits stay editable (a tenant may have lower ones).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import CibleError
from app.i18n import N_, _
from app.models.activity import Setting

SETTING_KEY = "email"
KEYRING_SERVICE = "Cible e-mail"
SECURITY = ("starttls", "ssl", "none")
#: How messages leave: the dealership's SMTP server, or Brevo's transactional e-mail API.
ROUTES = ("smtp", "brevo")
BREVO_URL = "https://api.brevo.com/v3"
#: Keyring account of the Brevo API key (service :data:`KEYRING_SERVICE`).
BREVO_ACCOUNT = "brevo-api-key"


class EmailSettingsError(CibleError):
    """Settings that cannot be used (no server, no sender...)."""


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    host: str
    port: int
    security: str
    per_minute: int
    per_day: int
    note: str = ""


#: Published limits, as editable defaults. Microsoft 365: 30 messages a minute, 10,000
#: recipients a day (2,000 external recipients per rolling 24 h rolling out in 2026: the
#: default here, as a dealership's customers are all external). Gmail / Google Workspace:
#: 2,000 a day for Workspace through smtp.gmail.com (app password). OVHcloud: 200 an hour.
PRESETS: dict[str, Preset] = {
    "microsoft365": Preset(
        "microsoft365", N_("Microsoft 365"), "smtp.office365.com", 587, "starttls", 30, 2000,
        N_("Microsoft says Exchange Online is not for bulk mail; SMTP AUTH must be allowed."),
    ),
    "gmail": Preset(
        "gmail", N_("Gmail / Google Workspace"), "smtp.gmail.com", 587, "starttls", 20, 2000,
        N_("Use an app password (Google account, Security, App passwords)."),
    ),
    "ovh": Preset("ovh", N_("OVHcloud"), "ssl0.ovh.net", 465, "ssl", 3, 2000),
    "generic": Preset("generic", N_("Other server"), "", 587, "starttls", 30, 1000),
}  # fmt: skip


@dataclass
class SiteSender:
    """Who a site's e-mails come from."""

    from_name: str = ""
    from_address: str = ""
    reply_to: str = ""
    #: The mailbox that receives unsubscribe requests (mailto); the sender address if empty.
    unsubscribe_address: str = ""
    #: An HTTPS endpoint the site runs for RFC 8058 one-click unsubscribes (``?t=TOKEN``).
    unsubscribe_url: str = ""
    #: HTML added at the end of every e-mail of the site.
    signature_html: str = ""
    #: Postal address shown in the footer (CASL: a mailing address in each message).
    postal_address: str = ""

    def unsubscribe_mailbox(self) -> str:
        return self.unsubscribe_address.strip() or self.from_address.strip()


@dataclass
class EmailSettings:
    preset: str = "generic"
    #: ``smtp`` (the dealership's server) or ``brevo`` (Brevo's API; key in the keyring).
    route: str = "smtp"
    brevo_url: str = BREVO_URL
    host: str = ""
    port: int = 587
    security: str = "starttls"
    username: str = ""
    #: IMAP server of the site's mailbox (unsubscribes and bounces); the SMTP host if empty.
    imap_host: str = ""
    imap_port: int = 993
    imap_ssl: bool = True
    per_minute: int = 30
    per_day: int = 2000
    #: Marketing: nobody e-mailed in the last N days (0 = no such step).
    recent_days: int = 0
    max_bytes: int = 400_000
    default: SiteSender = field(default_factory=SiteSender)
    #: Site code → its own sender (a site without one uses ``default``).
    sites: dict[str, SiteSender] = field(default_factory=dict)

    def sender_for(self, site_code: str | None) -> SiteSender:
        return self.sites.get(site_code or "", self.default)

    def apply_preset(self, key: str) -> None:
        preset = PRESETS[key]
        self.preset = key
        if preset.host:
            self.host = preset.host
        self.port, self.security = preset.port, preset.security
        self.per_minute, self.per_day = preset.per_minute, preset.per_day

    def check(self) -> None:
        if self.route not in ROUTES:
            raise EmailSettingsError(
                _("Unknown sending route {value!r}.").format(value=self.route)
            )
        if self.route == "brevo":
            if not self.brevo_url.strip().lower().startswith(("https://", "http://")):
                raise EmailSettingsError(_("The Brevo API address must start with https://."))
        elif not self.host.strip():
            raise EmailSettingsError(_("Set the mail server in the e-mail settings."))
        if self.security not in SECURITY:
            raise EmailSettingsError(
                _("Unknown connection security {value!r}.").format(value=self.security)
            )
        if self.per_minute < 1 or self.per_day < 1:
            raise EmailSettingsError(_("The sending limits must be at least 1."))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> EmailSettings:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        sender_fields = {f.name for f in fields(SiteSender)}

        def sender(d: dict) -> SiteSender:
            return SiteSender(**{k: v for k, v in (d or {}).items() if k in sender_fields})

        values["default"] = sender(values.get("default", {}))
        values["sites"] = {k: sender(v) for k, v in (values.get("sites") or {}).items()}
        return cls(**values)


def load_settings(session: Session) -> EmailSettings:
    value = session.scalar(select(Setting.value).where(Setting.key == SETTING_KEY))
    if not value:
        return EmailSettings()
    try:
        return EmailSettings.from_json(value)
    except (ValueError, TypeError):
        raise EmailSettingsError(_("The e-mail settings are damaged: save them again.")) from None


def save_settings(session: Session, settings: EmailSettings) -> None:
    row = session.get(Setting, SETTING_KEY)
    if row is None:
        session.add(Setting(key=SETTING_KEY, value=settings.to_json()))
    else:
        row.value = settings.to_json()


def get_password(username: str) -> str | None:
    """The SMTP password from the OS keyring (``None`` when none is stored or no keyring)."""
    try:
        import keyring
        from keyring.errors import KeyringError

        return keyring.get_password(KEYRING_SERVICE, username)
    except (ImportError, RuntimeError, KeyringError):
        return None


def set_password(username: str, password: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, username, password)
    except (RuntimeError, KeyringError) as error:
        raise EmailSettingsError(
            _("The password cannot be kept in the system keyring: {error}").format(error=error)
        ) from None
