"""Provider presets: OVHcloud, smsmode, Brevo and Twilio, each built from its API documentation.

The user chooses the provider in the SMS settings and types only its credentials; the URLs,
the authentication, the request and answer formats, the statuses and the replies are here. Each
preset is a :class:`~app.export.sms.gateway.HttpGateway` (rate limit, ``Retry-After``, "a
message is never POSTed twice": see :mod:`app.export.sms.gateway`) with its own requests.

Secrets (auth token, API key, application secret, consumer key) go to the OS keyring
(:func:`store_provider_secret`); the other values (account SID, service name...) are settings.
The free-form HTTP mapping (``gateway = "http"``) stays for the other providers.

What each preset reads, by provider (their documentation, cited at each class):

=========  ===========================  ==============================  ========================
provider   delivery statuses            replies and STOP                opt-out refusal at send
=========  ===========================  ==============================  ========================
Twilio     the message list since the   inbound messages of the same    error 21610 (the number
           oldest sent, 1,000 a page    list                            sent STOP to Twilio)
Brevo      the SMS events since that    ``replies`` and                 —
           day, 100 a page              ``unsubscription`` events
smsmode    each message (no listing     the mobile-originated messages  —
           documented by status)        (listing not in its reference)
OVHcloud   each message                 incoming messages, and the      —
           (``deliveredAt``, ``ptt``)   account's STOP blacklist
=========  ===========================  ==============================  ========================

A message whose outcome is unknown (:meth:`ProviderGateway.lookup`): none of these APIs keeps a
reference of the client's that can be searched, so Twilio (message list by ``To`` and
``DateSent``, then the body), Brevo (SMS events by ``phoneNumber`` and date) and OVHcloud
(outgoing messages by ``receiver`` and ``creationDatetime``, then the text) are asked for the
messages to its number since it was handed over, leaving out those Cible already holds: exactly
one is it; none or several leave it to a person, and the log says which. smsmode documents no
search: the log says so. OVHcloud appends its own STOP clause to advertising SMS
(:meth:`OvhGateway.provider_clause`); the planner then leaves out Cible's mention and counts
the clause (:func:`provider_clause`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from app.export.sms.encoding import GSM7, analyse
from app.export.sms.gateway import (
    _SETUP_ERRORS,
    KEYRING_SERVICE,
    GatewayError,
    GatewayRefused,
    HttpGateway,
    OutcomeUnknown,
    OutgoingSms,
    Reply,
    SendResult,
    StatusReport,
    UnknownSms,
    _parse_when,
)
from app.export.sms.settings import PRESETS as PRESET_KEYS
from app.export.sms.settings import HttpConfig, SmsSettings
from app.i18n import N_, _, format_datetime
from app.models.sms import SmsStatus


@dataclass(frozen=True)
class Credential:
    """One value the user types for a preset."""

    key: str
    #: English, wrapped with N_ (the settings window translates it).
    label: str
    secret: bool = False
    optional: bool = False


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    #: The provider's API documentation this preset follows.
    doc_url: str
    credentials: tuple[Credential, ...]
    #: What the provider accepts as sender name (English, N_).
    sender_rule: str
    #: The credential naming the account (the keyring entries are per account).
    identity: str = ""

    @property
    def gateway_class(self) -> type[ProviderGateway]:
        return _CLASSES[self.key]


# -- keyring ----------------------------------------------------------------------------------


def _keyring_user(preset: str, field: str, identity: str) -> str:
    return f"{preset}:{field}:{identity or preset}"


def store_provider_secret(preset: str, field: str, identity: str, secret: str) -> None:
    """Keep a preset's secret in the OS keyring (an empty *secret* removes it)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    user = _keyring_user(preset, field, identity)
    try:
        if secret:
            keyring.set_password(KEYRING_SERVICE, user, secret)
        else:
            try:
                keyring.delete_password(KEYRING_SERVICE, user)
            except PasswordDeleteError:
                pass
    except KeyringError as error:
        raise GatewayError(
            _("Cannot store the gateway password in the system keyring: {error}").format(
                error=error
            )
        ) from None


def load_provider_secret(preset: str, field: str, identity: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, _keyring_user(preset, field, identity))
    except KeyringError as error:
        raise GatewayError(
            _("Cannot read the gateway password from the system keyring: {error}").format(
                error=error
            )
        ) from None


def _json(answer: bytes) -> Any:
    try:
        return json.loads(answer or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _digits(e164: str) -> str:
    """``+33612345678`` → ``33612345678`` (international number without the plus)."""
    return e164.lstrip("+")


def _rfc2822(value: Any) -> dt.datetime | None:
    """Twilio's dates (``Thu, 21 May 2026 09:00:00 +0000``) as naive UTC."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    return when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when


def _e164(number: Any) -> str:
    text = str(number or "").strip()
    return text if text.startswith("+") or not text.isdigit() else "+" + text


# -- the common part ----------------------------------------------------------------------------


class ProviderGateway(HttpGateway):
    """A preset: *values* are the typed credentials that are not secret, *secrets* those from
    the keyring; ``values["base_url"]`` replaces the provider's address (tests, a regional
    endpoint)."""

    preset_key: ClassVar[str] = ""
    base_url: ClassVar[str] = ""
    #: Requests per second at most (the provider's documented limit, or a prudent one).
    rate: ClassVar[float] = 5.0

    def __init__(
        self,
        values: dict[str, str],
        secrets: dict[str, str],
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[float], float] | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 1.0,
        retry_after_cap: float = 60.0,
    ) -> None:
        preset = PRESETS[self.preset_key]
        self.values = {k: str(v).strip() for k, v in values.items()}
        self.secrets = {k: v for k, v in secrets.items() if v}
        for credential in preset.credentials:
            store = self.secrets if credential.secret else self.values
            if not credential.optional and not store.get(credential.key):
                raise GatewayError(
                    _("{provider}: enter “{field}” in the SMS settings (gateway tab).").format(
                        provider=preset.name, field=_(credential.label)
                    )
                )
        self.base = (self.values.get("base_url") or self.base_url).rstrip("/")
        config = HttpConfig(
            url=self.base + "/",
            auth="none",
            idempotency_header="",
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            rate_per_second=float(self.values.get("rate_per_second") or self.rate),
            retry_after_cap=retry_after_cap,
        )
        super().__init__(config, None, sleep=sleep, clock=clock, jitter=jitter)
        self.kind = self.preset_key
        #: The last listing asked (statuses and replies often come from the same one).
        self._listing: tuple[Any, Any] | None = None

    @classmethod
    def provider_clause(cls, kind: str, sender: str, values: dict[str, str]) -> str:
        """The opt-out clause this provider appends itself to a message of *kind* sent under
        *sender* with the preset *values* (``""``: none)."""
        return ""

    def stop_clause(self, kind: str, sender: str) -> str:
        return self.provider_clause(kind, sender, self.values)

    # -- for each provider --------------------------------------------------------------------
    def _send_request(self, message: OutgoingSms) -> tuple[str, bytes, dict[str, str]]:
        raise NotImplementedError

    def _accepted(self, message: OutgoingSms, data: Any) -> SendResult:
        raise NotImplementedError

    def _error_text(self, data: Any, answer: bytes) -> str:
        if isinstance(data, dict):
            for name in ("message", "detail", "title", "error"):
                if data.get(name):
                    return str(data[name])
        return answer.decode("utf-8", "replace").strip().replace("\n", " ")

    def _refusal(self, message: OutgoingSms, status: int, data: Any, answer: bytes) -> SendResult:
        return SendResult(
            message.key,
            SmsStatus.FAILED,
            None,
            _("refused by {provider}: HTTP {status} {detail}").format(
                provider=PRESETS[self.preset_key].name,
                status=status,
                detail=self._error_text(data, answer)[:150],
            ),
        )

    # -- plumbing -----------------------------------------------------------------------------
    def _get(self, path_or_url: str, params: dict[str, Any] | None = None) -> Any:
        url = path_or_url if "://" in path_or_url else self.base + path_or_url
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        code, answer = self._request(
            "GET", url, None, self._signed("GET", url, b"", self._headers())
        )
        if code in _SETUP_ERRORS - {404}:
            self._refused(code, _json(answer), answer)
        if not 200 <= code < 300:
            return None
        return _json(answer)

    def _signed(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> Any:
        """The *headers* of a request as sent (a function when they depend on the moment)."""
        return headers

    def _refused(self, status: int, data: Any, answer: bytes) -> None:
        raise GatewayRefused(
            _(
                "{provider} refused the request (HTTP {status} {detail}): check the "
                "credentials in the SMS settings (or the account's credit). The messages not "
                "sent stay pending."
            ).format(
                provider=PRESETS[self.preset_key].name,
                status=status,
                detail=self._error_text(data, answer)[:150],
            )
        )

    # -- a message whose outcome is unknown ---------------------------------------------------
    #: How long before Cible handed a message over the provider's record of it may be dated
    #: (the two clocks differ).
    LOOKUP_MARGIN: ClassVar[dt.timedelta] = dt.timedelta(minutes=10)

    @property
    def can_lookup(self) -> bool:
        return True

    def lookup(self, unknown: list[UnknownSms]) -> list[StatusReport]:
        return [self._lookup_one(u, self._since(u)) for u in unknown]

    def _lookup_one(self, u: UnknownSms, since: dt.datetime) -> StatusReport:
        """Ask the provider for the messages to *u*'s number since *since* (naive UTC)."""
        raise NotImplementedError

    def _since(self, u: UnknownSms) -> dt.datetime:
        handed = u.handed_at or dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=3)
        return handed - self.LOOKUP_MARGIN

    def _pick(
        self,
        u: UnknownSms,
        since: dt.datetime,
        found: list[tuple[str, SmsStatus, str | None]],
    ) -> StatusReport:
        """The report on *u* from the provider's messages *found* (id, status, failure reason)
        that may be it: those Cible does not already hold for another message. One: it is
        *u*. None or several: *u* stays unknown, the reason says so."""
        fresh = {i: (status, reason) for i, status, reason in found if i not in u.known_ids}
        provider = PRESETS[self.preset_key].name
        when = format_datetime(since.replace(tzinfo=dt.UTC))
        if len(fresh) == 1:
            ((provider_id, (status, reason)),) = fresh.items()
            return StatusReport(status, provider_id=provider_id, key=u.key, reason=reason)
        if not fresh:
            reason = _(
                "{provider} lists no message to this number since {when} like this one: it "
                "may not have left; check its portal, then decide"
            ).format(provider=provider, when=when)
        else:
            reason = _(
                "{provider} lists {n} messages to this number since {when} that could be this "
                "one: check its portal, then decide"
            ).format(provider=provider, n=len(fresh), when=when)
        return StatusReport(None, key=u.key, reason=reason)

    def send_one(self, message: OutgoingSms) -> SendResult:
        url, body, headers = self._send_request(message)
        try:
            status, answer = self._request(
                "POST", url, body, self._signed("POST", url, body, headers), repeatable=False
            )
        except OutcomeUnknown as error:
            reason = _("no answer from the provider ({problem}): it may have been sent").format(
                problem=error
            )
            if not self.can_lookup:  # the log says why a person has to decide
                reason += "; " + _("{why}: a person decides in the SMS log").format(
                    why=self.lookup_missing
                )
            return SendResult(message.key, SmsStatus.UNKNOWN, None, reason)
        data = _json(answer)
        if 200 <= status < 300:
            return self._accepted(message, data)
        if status in _SETUP_ERRORS or self._setup_error(status, data):
            self._refused(status, data, answer)
        return self._refusal(message, status, data, answer)

    def _setup_error(self, status: int, data: Any) -> bool:
        """An answer about the account or the credentials, not about this message."""
        return False

    def _json_body(self, data: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        headers = self._headers()
        headers["Content-Type"] = "application/json; charset=utf-8"
        return json.dumps(data, ensure_ascii=False).encode("utf-8"), headers


# -- Twilio -------------------------------------------------------------------------------------


class TwilioGateway(ProviderGateway):
    """Twilio's Programmable Messaging REST API.

    Documentation followed: https://www.twilio.com/docs/messaging/api/message-resource (create,
    fetch and list Message resources; status values), https://www.twilio.com/docs/api/errors
    (error 21610: "Attempt to send to unsubscribed recipient", the number sent STOP),
    https://www.twilio.com/docs/usage/requests-to-twilio (HTTP basic auth with the Account SID
    and Auth Token; 429 "Too Many Requests"), and advanced opt-out (STOP, STOPALL, UNSUBSCRIBE,
    CANCEL, END, QUIT… handled by Twilio, which refuses later messages to that number).

    - send: ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``, form fields ``To``,
      ``Body`` and ``From`` (a Twilio number or an alphanumeric sender ID where the country
      allows it: France and Switzerland do, Canada does not) or ``MessagingServiceSid``;
      answer 201 with ``sid`` and ``status`` (``queued`` or ``accepted``).
    - statuses: ``GET …/Messages.json?DateSent>=YYYY-MM-DD&PageSize=1000``, pages by
      ``next_page_uri``; ``delivered`` is final, ``undelivered``, ``failed`` and ``canceled``
      are final failures (``error_code``, ``error_message``); the others are not final.
    - replies: the ``inbound`` messages of the same list (``from``, ``body``, ``date_sent``).
    """

    preset_key = "twilio"
    base_url = "https://api.twilio.com"
    # Twilio queues what exceeds a sender's throughput; one request per message is enough
    rate = 10.0
    batch_statuses = True
    _FAILED = {"undelivered", "failed", "canceled"}

    def _headers(self) -> dict[str, str]:
        import base64

        token = f"{self.values['account']}:{self.secrets['secret']}".encode()
        return {
            "Accept": "application/json",
            "User-Agent": "Cible",
            "Authorization": "Basic " + base64.b64encode(token).decode("ascii"),
        }

    def _messages_url(self) -> str:
        account = urllib.parse.quote(self.values["account"], safe="")
        return f"{self.base}/2010-04-01/Accounts/{account}/Messages.json"

    def _send_request(self, message: OutgoingSms) -> tuple[str, bytes, dict[str, str]]:
        fields = {"To": message.phone, "Body": message.text}
        service = self.values.get("sender", "")
        if service.startswith("MG"):
            fields["MessagingServiceSid"] = service
        else:
            fields["From"] = service or message.sender
        headers = self._headers()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self._messages_url(), urllib.parse.urlencode(fields).encode("utf-8"), headers

    def _accepted(self, message: OutgoingSms, data: Any) -> SendResult:
        sid = data.get("sid") if isinstance(data, dict) else None
        return SendResult(message.key, SmsStatus.SENT, str(sid) if sid else None)

    def _error_text(self, data: Any, answer: bytes) -> str:
        if isinstance(data, dict) and data.get("code"):
            return f"{data.get('code')} {data.get('message') or ''}".strip()
        return super()._error_text(data, answer)

    def _refusal(self, message: OutgoingSms, status: int, data: Any, answer: bytes) -> SendResult:
        result = super()._refusal(message, status, data, answer)
        if isinstance(data, dict) and str(data.get("code")) == "21610":
            return SendResult(result.key, result.status, None, result.reason, opted_out=True)
        return result

    def _list(self, since: dt.datetime | None) -> list[dict[str, Any]]:
        day = (since or dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=3)).date()
        if self._listing is not None and self._listing[0] == day:
            return self._listing[1]
        found: list[dict[str, Any]] = []
        data = self._get(self._messages_url(), {"DateSent>": day.isoformat(), "PageSize": 1000})
        while isinstance(data, dict):
            found.extend(m for m in data.get("messages") or [] if isinstance(m, dict))
            next_uri = data.get("next_page_uri")
            if not next_uri:
                break
            data = self._get(self.base + str(next_uri))
        self._listing = (day, found)
        return found

    def statuses(
        self, sent: list[tuple[str, str | None]], since: dt.datetime | None = None
    ) -> list[StatusReport]:
        wanted = {p for _k, p in sent if p}
        reports = []
        for m in self._list(since):
            sid = m.get("sid")
            if sid not in wanted or not str(m.get("direction", "")).startswith("outbound"):
                continue
            status, reason = self._status_of(m)
            if status is not SmsStatus.SENT:
                reports.append(StatusReport(status, provider_id=sid, reason=reason))
        return reports

    def _status_of(self, m: dict[str, Any]) -> tuple[SmsStatus, str | None]:
        status = str(m.get("status") or "")
        if status == "delivered":
            return SmsStatus.DELIVERED, None
        if status in self._FAILED:
            detail = f"{m.get('error_code') or ''} {m.get('error_message') or status}"
            return SmsStatus.FAILED, detail.strip()
        return SmsStatus.SENT, None

    def _lookup_one(self, u: UnknownSms, since: dt.datetime) -> StatusReport:
        # Twilio keeps no reference of the client's: the messages list filtered by To and
        # DateSent (documented filters of "Read multiple Message resources"), then the body
        found = []
        data = self._get(
            self._messages_url(),
            {"To": u.phone, "DateSent>": since.date().isoformat(), "PageSize": 100},
        )
        while isinstance(data, dict):
            for m in data.get("messages") or []:
                if not isinstance(m, dict) or not m.get("sid"):
                    continue
                if not str(m.get("direction", "")).startswith("outbound"):
                    continue
                if m.get("to") != u.phone or m.get("body") != u.text:
                    continue
                when = _rfc2822(m.get("date_created") or m.get("date_sent"))
                if when is not None and when < since:
                    continue
                status, reason = self._status_of(m)
                found.append((str(m["sid"]), status, reason))
            next_uri = data.get("next_page_uri")
            data = self._get(self.base + str(next_uri)) if next_uri else None
        return self._pick(u, since, found)

    def replies(self) -> list[Reply]:
        listing = self._listing[1] if self._listing is not None else self._list(None)
        self._listing = None  # a later poll asks again
        found = []
        for m in listing:
            if m.get("direction") == "inbound" and m.get("from"):
                when = _rfc2822(m.get("date_sent"))
                found.append(Reply(str(m["from"]), str(m.get("body") or ""), when))
        return found


# -- Brevo --------------------------------------------------------------------------------------


class BrevoGateway(ProviderGateway):
    """Brevo's transactional SMS API.

    Documentation followed: https://developers.brevo.com/reference/sendtransacsms and
    https://developers.brevo.com/docs/transactional-sms-endpoints (send; ``type`` marketing or
    transactional; ``sender`` at most 11 alphanumeric characters or 15 digits),
    https://developers.brevo.com/changelog/deprecated-endpoint-post-v3transactionalsmssms (the
    current endpoint answers ``{"messageId": …}``), https://developers.brevo.com/reference/get-sms-events
    (events by page of at most 100, filtered by ``startDate``/``endDate``; bounce events carry
    the reason, reply events the text), https://developers.brevo.com/docs/api-limits and
    https://developers.brevo.com/docs/limit-headers (429 with ``x-sib-ratelimit-reset``).

    - send: ``POST /v3/transactionalSMS/send`` with the ``api-key`` header, JSON ``sender``,
      ``recipient`` (international number without ``+``), ``content``, ``type``.
    - statuses: ``GET /v3/transactionalSMS/statistics/events?startDate&endDate&limit=100&offset``:
      ``delivered``; ``hardBounces``, ``softBounces``, ``blocked``, ``rejected``, ``skipped``
      are final failures.
    - replies: the ``replies`` events (text in ``reply``) and ``unsubscription`` (a STOP).
    """

    preset_key = "brevo"
    base_url = "https://api.brevo.com"
    rate = 5.0
    # https://developers.brevo.com/docs/limit-headers: a 429 says in x-sib-ratelimit-reset the
    # time remaining until the limit resets (typically seconds)
    retry_after_headers = ("Retry-After", "x-sib-ratelimit-reset")
    batch_statuses = True
    _FAILED = {"hardBounces", "softBounces", "blocked", "rejected", "skipped"}

    def _headers(self) -> dict[str, str]:
        return {
            "Accept": "application/json",
            "User-Agent": "Cible",
            "api-key": self.secrets["secret"],
        }

    def _send_request(self, message: OutgoingSms) -> tuple[str, bytes, dict[str, str]]:
        body, headers = self._json_body(
            {
                "sender": message.sender,
                "recipient": _digits(message.phone),
                "content": message.text,
                "type": "marketing" if message.kind == "marketing" else "transactional",
                "tag": "cible",
            }
        )
        return self.base + "/v3/transactionalSMS/send", body, headers

    def _accepted(self, message: OutgoingSms, data: Any) -> SendResult:
        found = data.get("messageId") if isinstance(data, dict) else None
        return SendResult(message.key, SmsStatus.SENT, str(found) if found else None)

    def _events(self, since: dt.datetime | None) -> list[dict[str, Any]]:
        today = dt.datetime.now(dt.UTC).date()
        start = since.date() if since else today - dt.timedelta(days=3)
        if self._listing is not None and self._listing[0] == start:
            return self._listing[1]
        found = self._event_pages(start, today)
        self._listing = (start, found)
        return found

    def _event_pages(
        self, start: dt.date, today: dt.date, phone: str | None = None
    ) -> list[dict[str, Any]]:
        """Every SMS event from *start* to today (to one number if *phone*), page by page."""
        found: list[dict[str, Any]] = []
        offset = 0
        while True:
            params: dict[str, Any] = {"phoneNumber": _digits(phone)} if phone else {}
            params.update(
                startDate=start.isoformat(),
                endDate=max(today, start).isoformat(),
                limit=100,
                offset=offset,
                sort="asc",
            )
            data = self._get("/v3/transactionalSMS/statistics/events", params)
            page = data.get("events") if isinstance(data, dict) else None
            if not page:
                break
            found.extend(e for e in page if isinstance(e, dict))
            if len(page) < 100:
                break
            offset += len(page)
        return found

    def statuses(
        self, sent: list[tuple[str, str | None]], since: dt.datetime | None = None
    ) -> list[StatusReport]:
        wanted = {str(p) for _k, p in sent if p}
        reports = []
        for e in self._events(since):
            message_id, event = str(e.get("messageId") or ""), str(e.get("event") or "")
            if message_id not in wanted:
                continue
            when = _parse_when(e.get("date"))
            if event == "delivered":
                reports.append(StatusReport(SmsStatus.DELIVERED, provider_id=message_id, when=when))
            elif event in self._FAILED:
                reports.append(
                    StatusReport(
                        SmsStatus.FAILED,
                        provider_id=message_id,
                        reason=f"{event}: {e.get('reason') or ''}".strip(": "),
                        when=when,
                    )
                )
        return reports

    def _lookup_one(self, u: UnknownSms, since: dt.datetime) -> StatusReport:
        # Brevo's send takes no reference of the client's: the SMS events filtered by
        # phoneNumber and startDate/endDate (documented filters of get-sms-events), grouped by
        # messageId; events carry no text, so any message to the number since then may be it
        today = dt.datetime.now(dt.UTC).date()
        events = self._event_pages(since.date(), today, u.phone)
        by_message: dict[str, tuple[SmsStatus, str | None]] = {}
        for e in events:
            message_id, event = str(e.get("messageId") or ""), str(e.get("event") or "")
            if message_id in ("", "0") or _digits(_e164(e.get("phoneNumber"))) != _digits(u.phone):
                continue
            if event in ("replies", "unsubscription"):
                continue
            when = _parse_when(e.get("date"))
            if when is not None and when < since:
                continue
            status, reason = by_message.get(message_id, (SmsStatus.SENT, None))
            if event == "delivered":
                status, reason = SmsStatus.DELIVERED, None
            elif event in self._FAILED:
                status = SmsStatus.FAILED
                reason = f"{event}: {e.get('reason') or ''}".strip(": ")
            by_message[message_id] = (status, reason)
        found = [(i, status, reason) for i, (status, reason) in by_message.items()]
        return self._pick(u, since, found)

    def replies(self) -> list[Reply]:
        events = self._listing[1] if self._listing is not None else self._events(None)
        self._listing = None
        found = []
        for e in events:
            phone = _e164(e.get("phoneNumber"))
            when = _parse_when(e.get("date"))
            if e.get("event") == "replies" and phone:
                found.append(Reply(phone, str(e.get("reply") or ""), when))
            elif e.get("event") == "unsubscription" and phone:
                found.append(Reply(phone, "STOP", when))
        return found


# -- smsmode ------------------------------------------------------------------------------------


class SmsmodeGateway(ProviderGateway):
    """smsmode's REST API (v1).

    Documentation followed: https://dev.smsmode.com/sms/v1/message (send, get a message and its
    status; ``X-Api-Key`` header; ``refClient``, the client's reference, kept with the message)
    and https://dev.smsmode.com/sms/v1/errors (HTTP errors, 429 when the rate is exceeded).
    dev.smsmode.com itself could not be read from here (2026-12): the formats were checked
    against a mirror of its reference, github.com/mindcloud-inc/universal-api-reference,
    ``apis/s/smsmode/native-api`` (operations with links to dev.smsmode.com/sms/v1): the
    ``X-Api-Key`` header; a message is ``messageId``, ``refClient``, ``direction``, ``from``,
    ``recipient.to``, ``body.text``, ``acceptedAt``, ``sentDate`` and ``status`` with
    ``value``, ``detail`` and ``deliveryDate``; per-message ``callbackUrlStatus`` and
    ``callbackUrlMo`` (callbacks: a desktop behind a router cannot receive them). That
    reference lists messages per campaign (``sms/v1/channels/{channelId}/campaigns/
    {campaignId}/messages``, pages of at most 100) with no filter by number, date, reference or
    direction, and it does **not** list the values of ``status.value``.

    - send: ``POST /sms/v1/messages``, JSON ``recipient.to`` (international number without
      ``+``), ``body.text``, ``from`` (the sender name, up to 11 characters), ``refClient``
      (Cible's reference); answer 201 with ``messageId``.
    - statuses, kept conservative since the values are not documented: ``GET
      /sms/v1/messages/{messageId}``, one request per message until its status is final or it
      is older than the polling days; only ``DELIVERED`` is recorded as delivered (at
      ``status.deliveryDate``), only ``UNDELIVERABLE``, ``REJECTED``, ``EXPIRED``,
      ``CANCELLED`` and ``DELETED`` (the usual SMSC final states) as failed, with
      ``status.detail``; any other value leaves the message ``sent``.
    - replies: ``GET /sms/v1/messages?direction=MO`` (messages sent by phones to the account's
      number), of which only those whose ``direction`` is ``MO`` are read. This listing is not
      in the reference above: if smsmode does not answer it, no reply is read, so the README
      asks smsmode users to import smsmode's STOP list (SMS log, "Import a delivery report…").
    - a message whose outcome is unknown cannot be looked up (no search by ``refClient``,
      number or date is documented): it waits in the SMS log for a person, who is told why.
    """

    preset_key = "smsmode"
    base_url = "https://rest.smsmode.com"
    rate = 5.0

    @property
    def can_lookup(self) -> bool:
        return False

    @property
    def lookup_missing(self) -> str:
        return _("smsmode's API documents no search for a message")

    _FAILED = {"UNDELIVERABLE", "REJECTED", "EXPIRED", "CANCELLED", "DELETED"}

    def _headers(self) -> dict[str, str]:
        return {
            "Accept": "application/json",
            "User-Agent": "Cible",
            "X-Api-Key": self.secrets["secret"],
        }

    def _send_request(self, message: OutgoingSms) -> tuple[str, bytes, dict[str, str]]:
        data: dict[str, Any] = {
            "recipient": {"to": _digits(message.phone)},
            "body": {"text": message.text},
            "refClient": message.key,
        }
        if message.sender:
            data["from"] = message.sender
        body, headers = self._json_body(data)
        return self.base + "/sms/v1/messages", body, headers

    def _accepted(self, message: OutgoingSms, data: Any) -> SendResult:
        found = data.get("messageId") if isinstance(data, dict) else None
        return SendResult(message.key, SmsStatus.SENT, str(found) if found else None)

    def statuses(
        self, sent: list[tuple[str, str | None]], since: dt.datetime | None = None
    ) -> list[StatusReport]:
        reports = []
        for key, provider_id in sent:
            if not provider_id:
                continue
            data = self._get("/sms/v1/messages/" + urllib.parse.quote(provider_id, safe=""))
            status = data.get("status") if isinstance(data, dict) else None
            status = status if isinstance(status, dict) else {}
            value = str(status.get("value") or "").upper()
            if value == "DELIVERED":
                when = _parse_when(status.get("deliveryDate"))
                reports.append(
                    StatusReport(SmsStatus.DELIVERED, provider_id=provider_id, key=key, when=when)
                )
            elif value in self._FAILED:
                reason = str(status.get("detail") or value)
                reports.append(
                    StatusReport(SmsStatus.FAILED, provider_id=provider_id, key=key, reason=reason)
                )
        return reports

    def replies(self) -> list[Reply]:
        data = self._get("/sms/v1/messages", {"direction": "MO"})
        items = data if isinstance(data, list) else (data or {}).get("items") or []
        found = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or str(item.get("direction") or "").upper() != "MO":
                continue  # only what phones sent: never Cible's own messages
            sender = item.get("from")
            if isinstance(sender, dict):
                sender = sender.get("number") or sender.get("from")
            text = item.get("body", {}).get("text") if isinstance(item.get("body"), dict) else None
            if sender and text is not None:
                when = _parse_when(item.get("acceptedAt") or item.get("sentDate"))
                found.append(Reply(_e164(sender), str(text), when))
        return found


# -- OVHcloud -----------------------------------------------------------------------------------


class OvhGateway(ProviderGateway):
    """OVHcloud's SMS API (``/sms``).

    Documentation followed: https://docs.ovhcloud.com/en/guides/web-cloud/messaging/sms/api-sms-cookbook
    (jobs, outgoing and incoming messages, the STOP ``blacklists``), the API console
    https://eu.api.ovh.com/console/?section=/sms (``sms.Outgoing``: ``deliveredAt``,
    ``deliveryReceipt``, ``ptt`` "code representing SMS state"; ``GET /sms/ptts`` describes a
    code with its ``duration``: ``permanent``, ``temporary``), and
    https://help.ovhcloud.com/csm/en-api-getting-started-ovhcloud-api (each request signed:
    ``X-Ovh-Application``, ``X-Ovh-Consumer``, ``X-Ovh-Timestamp`` from ``GET /auth/time``, and
    ``X-Ovh-Signature`` = ``$1$`` + SHA-1 of secret+consumer key+method+URL+body+timestamp).

    - send: ``POST /sms/{serviceName}/jobs``, JSON ``message``, ``receivers`` (one number),
      ``sender`` (a sender created and validated in the account, at most 11 alphanumeric
      characters), ``coding`` (``7bit`` for GSM-7, ``8bit`` otherwise), ``noStopClause``;
      answer ``ids``, ``validReceivers``, ``invalidReceivers`` (a number there failed).
    - the STOP clause: "By default, the message includes the word STOP … If your SMS is not an
      advertising message, you can disable the STOP clause via the noStopClause setting" (the
      API cookbook above). The clause is ``"\nSTOP:36111"`` (11 characters, GSM-7), the
      constant ``TUC_SMS_STOP_CLAUSE`` OVHcloud's own control panel (github.com/ovh/manager,
      ``telecom-universe-components``) adds to the length of a message before counting its
      SMS; the panel counts it for an alphanumeric sender only (a phone-number sender sends
      with ``noStopClause``) and shows it for French accounts (``ovhSubsidiary`` FR). So a
      marketing SMS with an alphanumeric sender goes without Cible's opt-out mention and with
      ``noStopClause`` false: OVHcloud appends its clause, and Cible counts the segments with
      it (:meth:`provider_clause`); every other message goes with ``noStopClause`` true and
      Cible's mention when it is marketing. On the Canadian API (region ``ca``) Cible adds
      its own mention.
    - statuses: ``GET /sms/{serviceName}/outgoing/{id}``: ``deliveredAt`` set is delivered; a
      ``ptt`` whose description (``GET /sms/ptts?ptt=``) is ``permanent`` is a final failure.
    - replies: ``GET /sms/{serviceName}/incoming`` then each ``incoming/{id}``
      (``sender``, ``message``, ``creationDatetime``), and ``GET /sms/{serviceName}/blacklists``,
      the numbers that sent STOP (each becomes a STOP reply). Incoming messages are asked for
      the last 3 days (``creationDatetime.from``), the replies Cible has not read yet.
    """

    preset_key = "ovh"
    base_url = "https://eu.api.ovh.com/1.0"
    rate = 5.0

    def __init__(self, values: dict[str, str], secrets: dict[str, str], **options: Any) -> None:
        values = dict(values)
        if not values.get("base_url") and values.get("region", "").strip().lower() == "ca":
            values["base_url"] = "https://ca.api.ovh.com/1.0"
        super().__init__(values, secrets, **options)
        self._delta: int | None = None
        self._ptts: dict[str, dict[str, Any]] = {}

    #: Errors of the signed request itself (the credentials, not the message).
    _SETUP_CODES = {"INVALID_SIGNATURE", "INVALID_CREDENTIAL", "NOT_GRANTED_CALL", "NOT_CREDENTIAL"}

    def _setup_error(self, status: int, data: Any) -> bool:
        return isinstance(data, dict) and str(data.get("errorCode")) in self._SETUP_CODES

    def _service(self) -> str:
        return "/sms/" + urllib.parse.quote(self.values["service"], safe="")

    def _now(self) -> int:
        if self._delta is None:
            code, answer = self._request(
                "GET", self.base + "/auth/time", None, {"Accept": "application/json"}
            )
            server = _json(answer) if 200 <= code < 300 else None
            self._delta = int(server) - int(time.time()) if isinstance(server, int) else 0
        return int(time.time()) + self._delta

    def _signed(
        self, method: str, url: str, body: bytes, headers: dict[str, str]
    ) -> Callable[[], dict[str, str]]:
        def signed_headers() -> dict[str, str]:
            stamp = str(self._now())
            plain = "+".join(
                [
                    self.secrets["secret"],
                    self.secrets["consumer_key"],
                    method,
                    url,
                    body.decode("utf-8"),
                    stamp,
                ]
            )
            signed = {
                "Accept": "application/json",
                "User-Agent": "Cible",
                "X-Ovh-Application": self.values["account"],
                "X-Ovh-Consumer": self.secrets["consumer_key"],
                "X-Ovh-Timestamp": stamp,
                "X-Ovh-Signature": "$1$" + hashlib.sha1(plain.encode()).hexdigest(),  # noqa: S324
            }
            if body:
                signed["Content-Type"] = "application/json; charset=utf-8"
            return signed

        return signed_headers

    #: What OVHcloud appends to an advertising SMS (``TUC_SMS_STOP_CLAUSE`` of its panel).
    STOP_CLAUSE: ClassVar[str] = "\nSTOP:36111"

    @classmethod
    def provider_clause(cls, kind: str, sender: str, values: dict[str, str]) -> str:
        if kind != "marketing" or not sender.strip():
            return ""
        if all(ch.isdigit() or ch in "+ " for ch in sender):
            return ""  # a phone-number sender: OVHcloud's panel sends it with noStopClause
        if str(values.get("region") or "").strip().lower() == "ca":
            return ""
        return cls.STOP_CLAUSE

    def _send_request(self, message: OutgoingSms) -> tuple[str, bytes, dict[str, str]]:
        data: dict[str, Any] = {
            "charset": "UTF-8",
            "coding": "7bit" if analyse(message.text).encoding == GSM7 else "8bit",
            "message": message.text,
            "receivers": [message.phone],
            # "Do not display STOP clause in the message, this requires that this is not an
            # advertising message" (the API's description of noStopClause): false exactly when
            # OVHcloud's clause replaces Cible's mention (the planner counted it)
            "noStopClause": not self.stop_clause(message.kind, message.sender),
            "priority": "high",
            "senderForResponse": not message.sender,
            "tag": "cible",
        }
        if message.sender:
            data["sender"] = message.sender
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return self.base + self._service() + "/jobs", body, {}

    def _accepted(self, message: OutgoingSms, data: Any) -> SendResult:
        data = data if isinstance(data, dict) else {}
        if message.phone in (data.get("invalidReceivers") or []):
            return SendResult(
                message.key,
                SmsStatus.FAILED,
                None,
                _("refused by {provider}: invalid receiver {phone}").format(
                    provider="OVHcloud", phone=message.phone
                ),
            )
        ids = data.get("ids") or []
        return SendResult(message.key, SmsStatus.SENT, str(ids[0]) if ids else None)

    def _ptt(self, code: Any) -> dict[str, Any]:
        key = str(code)
        if key not in self._ptts:
            found = self._get("/sms/ptts", {"ptt": key})
            self._ptts[key] = found if isinstance(found, dict) else {}
        return self._ptts[key]

    def statuses(
        self, sent: list[tuple[str, str | None]], since: dt.datetime | None = None
    ) -> list[StatusReport]:
        reports = []
        for key, provider_id in sent:
            if not provider_id:
                continue
            data = self._get(f"{self._service()}/outgoing/{urllib.parse.quote(provider_id)}")
            if not isinstance(data, dict):
                continue
            status, reason = self._outgoing_status(data)
            if status is not SmsStatus.SENT:
                when = _parse_when(data.get("deliveredAt"))
                reports.append(
                    StatusReport(status, provider_id=provider_id, key=key, reason=reason, when=when)
                )
        return reports

    def _outgoing_status(self, data: dict[str, Any]) -> tuple[SmsStatus, str | None]:
        if data.get("deliveredAt"):
            return SmsStatus.DELIVERED, None
        if data.get("ptt") not in (None, 0):
            detail = self._ptt(data["ptt"])
            if detail.get("duration") == "permanent":
                return SmsStatus.FAILED, str(detail.get("description") or f"ptt {data['ptt']}")
        return SmsStatus.SENT, None

    def _lookup_one(self, u: UnknownSms, since: dt.datetime) -> StatusReport:
        # the outgoing messages filtered by receiver and creationDatetime.from (documented
        # filters of GET /sms/{serviceName}/outgoing), then each one's text: Cible's, with
        # OVHcloud's STOP clause after it or not
        ids = self._get(
            f"{self._service()}/outgoing",
            {
                "receiver": u.phone,
                "creationDatetime.from": since.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            },
        )
        found = []
        for outgoing in ids if isinstance(ids, list) else []:
            if str(outgoing) in u.known_ids:
                continue
            data = self._get(f"{self._service()}/outgoing/{urllib.parse.quote(str(outgoing))}")
            if not isinstance(data, dict) or data.get("receiver") not in (None, u.phone):
                continue
            text = str(data.get("message") or "")
            if text not in (u.text, u.text + self.STOP_CLAUSE):
                continue
            status, reason = self._outgoing_status(data)
            found.append((str(outgoing), status, reason))
        return self._pick(u, since, found)

    def replies(self) -> list[Reply]:
        found = []
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
        ids = (
            self._get(
                f"{self._service()}/incoming",
                {"creationDatetime.from": since.strftime("%Y-%m-%dT%H:%M:%S+00:00")},
            )
            or []
        )
        for incoming in ids if isinstance(ids, list) else []:
            data = self._get(f"{self._service()}/incoming/{incoming}")
            if isinstance(data, dict) and data.get("sender"):
                found.append(
                    Reply(
                        _e164(data["sender"]),
                        str(data.get("message") or ""),
                        _parse_when(data.get("creationDatetime")),
                    )
                )
        numbers = self._get(f"{self._service()}/blacklists") or []
        for number in numbers if isinstance(numbers, list) else []:
            found.append(Reply(_e164(number), "STOP", None))
        return found


_CLASSES: dict[str, type[ProviderGateway]] = {
    "ovh": OvhGateway,
    "smsmode": SmsmodeGateway,
    "brevo": BrevoGateway,
    "twilio": TwilioGateway,
}

PRESETS: dict[str, Preset] = {
    "ovh": Preset(
        "ovh",
        "OVHcloud",
        "https://docs.ovhcloud.com/en/guides/web-cloud/messaging/sms/api-sms-cookbook",
        (
            Credential("service", N_("SMS account (sms-xx00000-1)")),
            Credential("account", N_("Application key")),
            Credential("secret", N_("Application secret"), secret=True),
            Credential("consumer_key", N_("Consumer key"), secret=True),
            Credential("region", N_("API region (eu or ca)"), optional=True),
        ),
        N_(
            "The sender must be created and validated in your OVHcloud account first (up to "
            "11 letters or digits); empty: OVHcloud's short number, which can receive replies. "
            "Marketing SMS under a sender name end with OVHcloud's own STOP clause (STOP:36111) "
            "instead of your opt-out mention; it is counted in the segments and the cost."
        ),
        identity="account",
    ),
    "smsmode": Preset(
        "smsmode",
        "smsmode",
        "https://dev.smsmode.com/sms/v1/message",
        (Credential("secret", N_("API key"), secret=True),),
        N_("Sender name: up to 11 letters or digits, as allowed on your smsmode account."),
    ),
    "brevo": Preset(
        "brevo",
        "Brevo",
        "https://developers.brevo.com/reference/sendtransacsms",
        (Credential("secret", N_("API key"), secret=True),),
        N_("Sender name: up to 11 letters or digits, or a number of up to 15 digits."),
    ),
    "twilio": Preset(
        "twilio",
        "Twilio",
        "https://www.twilio.com/docs/messaging/api/message-resource",
        (
            Credential("account", N_("Account SID (AC…)")),
            Credential("secret", N_("Auth token"), secret=True),
            Credential(
                "sender",
                N_("Twilio number or Messaging Service SID (MG…); empty: the sender name"),
                optional=True,
            ),
        ),
        N_(
            "An alphanumeric sender works in France and Switzerland, not in Canada: there, give "
            "a Twilio number or a Messaging Service."
        ),
        identity="account",
    ),
}
assert tuple(PRESETS) == PRESET_KEYS


def provider_clause(settings: SmsSettings, kind: str) -> str:
    """The opt-out clause the gateway of *settings* appends itself to a message of *kind*
    (OVHcloud's STOP clause on marketing SMS), ``""`` when Cible must add its own mention.
    The planner measures and prices every message with it: what the user sees is billed."""
    preset = PRESETS.get(settings.gateway)
    if preset is None or settings.demo_database:
        return ""
    values = settings.providers.get(settings.gateway, {})
    return preset.gateway_class.provider_clause(str(kind), settings.sender_name.strip(), values)


def preset_secrets(key: str, values: dict[str, str]) -> dict[str, str]:
    """The secrets of preset *key* read from the keyring."""
    preset = PRESETS[key]
    identity = values.get(preset.identity, "") if preset.identity else ""
    found = {}
    for credential in preset.credentials:
        if credential.secret:
            secret = load_provider_secret(key, credential.key, identity)
            if secret:
                found[credential.key] = secret
    return found


def store_preset_secrets(key: str, values: dict[str, str], secrets: dict[str, str]) -> None:
    """Keep the typed secrets of preset *key* (an empty one keeps the current one)."""
    preset = PRESETS[key]
    identity = values.get(preset.identity, "") if preset.identity else ""
    for field, secret in secrets.items():
        if secret:
            store_provider_secret(key, field, identity, secret)


def provider_gateway(key: str, values: dict[str, str], **options: Any) -> ProviderGateway:
    """The gateway of preset *key* with its secrets from the keyring."""
    return PRESETS[key].gateway_class(values, preset_secrets(key, values), **options)


def send_test_sms(gateway: HttpGateway, number: str, sender: str = "") -> SendResult:
    """Send one test SMS to the user's own *number* (read as French unless it starts with
    ``+``) through *gateway*, outside the log and the contact history. Raises
    :class:`GatewayError` for a number that is not a mobile number, and the gateway's errors
    (wrong credentials, provider unavailable) as they come."""
    from app.export.sms.phones import PhoneKind, normalise
    from app.export.sms.sender import new_key

    phone = normalise(number)
    if not phone.e164 or phone.kind is not PhoneKind.MOBILE:
        raise GatewayError(
            _("{number!r} is not a mobile number; write it as +33 6 12 34 56 78.").format(
                number=number.strip()
            )
        )
    text = _("Cible: test SMS. Your SMS settings work.")
    return gateway.send_one(OutgoingSms(new_key(), phone.e164, text, sender, "service"))
