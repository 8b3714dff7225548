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
           documented by status)
OVHcloud   each message                 incoming messages, and the      —
           (``deliveredAt``, ``ptt``)   account's STOP blacklist
=========  ===========================  ==============================  ========================
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
    _parse_when,
)
from app.export.sms.settings import PRESETS as PRESET_KEYS
from app.export.sms.settings import HttpConfig
from app.i18n import N_, _
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

    def send_one(self, message: OutgoingSms) -> SendResult:
        url, body, headers = self._send_request(message)
        try:
            status, answer = self._request(
                "POST", url, body, self._signed("POST", url, body, headers), repeatable=False
            )
        except OutcomeUnknown as error:
            return SendResult(
                message.key,
                SmsStatus.UNKNOWN,
                None,
                _("no answer from the provider ({problem}): it may have been sent").format(
                    problem=error
                ),
            )
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
            sid, status = m.get("sid"), str(m.get("status") or "")
            if sid not in wanted or not str(m.get("direction", "")).startswith("outbound"):
                continue
            if status == "delivered":
                reports.append(StatusReport(SmsStatus.DELIVERED, provider_id=sid))
            elif status in self._FAILED:
                detail = f"{m.get('error_code') or ''} {m.get('error_message') or status}"
                reports.append(
                    StatusReport(SmsStatus.FAILED, provider_id=sid, reason=detail.strip())
                )
        return reports

    def replies(self) -> list[Reply]:
        listing = self._listing[1] if self._listing is not None else self._list(None)
        self._listing = None  # a later poll asks again
        found = []
        for m in listing:
            if m.get("direction") == "inbound" and m.get("from"):
                when = None
                if m.get("date_sent"):
                    try:
                        when = email.utils.parsedate_to_datetime(str(m["date_sent"]))
                        when = when.astimezone(dt.UTC).replace(tzinfo=None)
                    except (TypeError, ValueError):
                        when = None
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
        found: list[dict[str, Any]] = []
        offset = 0
        while True:
            data = self._get(
                "/v3/transactionalSMS/statistics/events",
                {
                    "startDate": start.isoformat(),
                    "endDate": max(today, start).isoformat(),
                    "limit": 100,
                    "offset": offset,
                    "sort": "asc",
                },
            )
            page = data.get("events") if isinstance(data, dict) else None
            if not page:
                break
            found.extend(e for e in page if isinstance(e, dict))
            if len(page) < 100:
                break
            offset += len(page)
        self._listing = (start, found)
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

    - send: ``POST /sms/v1/messages``, JSON ``recipient.to`` (international number without
      ``+``), ``body.text``, ``from`` (the sender name, up to 11 characters), ``refClient``
      (Cible's reference); answer 201 with ``messageId``.
    - statuses: ``GET /sms/v1/messages/{messageId}``, ``status.value``: ``DELIVERED`` is final,
      ``UNDELIVERABLE``, ``REJECTED``, ``EXPIRED`` and ``CANCELLED`` are final failures. No
      listing by status is used: each message is asked until its status is final.
    - replies: ``GET /sms/v1/messages?direction=MO`` (messages sent by phones to the account's
      number: the STOP replies among them).
    """

    preset_key = "smsmode"
    base_url = "https://rest.smsmode.com"
    rate = 5.0
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
            value = (
                str((status or {}).get("value") or "").upper() if isinstance(status, dict) else ""
            )
            if value == "DELIVERED":
                reports.append(StatusReport(SmsStatus.DELIVERED, provider_id=provider_id, key=key))
            elif value in self._FAILED:
                detail = (status or {}).get("detail") or value
                reports.append(
                    StatusReport(
                        SmsStatus.FAILED, provider_id=provider_id, key=key, reason=str(detail)
                    )
                )
        return reports

    def replies(self) -> list[Reply]:
        data = self._get("/sms/v1/messages", {"direction": "MO"})
        items = data if isinstance(data, list) else (data or {}).get("items") or []
        found = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            sender = item.get("from")
            if isinstance(sender, dict):
                sender = sender.get("number") or sender.get("from")
            text = item.get("body", {}).get("text") if isinstance(item.get("body"), dict) else None
            if sender and text is not None:
                when = _parse_when(item.get("receptionDate") or item.get("acceptedAt"))
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
      characters), ``coding`` (``7bit`` for GSM-7, ``8bit`` otherwise), ``noStopClause`` for
      service messages only (the API allows it only for messages that are not advertising:
      OVHcloud adds its STOP clause to marketing ones, after Cible's own opt-out mention);
      answer ``ids``, ``validReceivers``, ``invalidReceivers`` (a number there failed).
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

    def _send_request(self, message: OutgoingSms) -> tuple[str, bytes, dict[str, str]]:
        data: dict[str, Any] = {
            "charset": "UTF-8",
            "coding": "7bit" if analyse(message.text).encoding == GSM7 else "8bit",
            "message": message.text,
            "receivers": [message.phone],
            # "Do not display STOP clause in the message, this requires that this is not an
            # advertising message" (the API's description of noStopClause)
            "noStopClause": message.kind != "marketing",
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
            if data.get("deliveredAt"):
                reports.append(
                    StatusReport(
                        SmsStatus.DELIVERED,
                        provider_id=provider_id,
                        key=key,
                        when=_parse_when(data["deliveredAt"]),
                    )
                )
            elif data.get("ptt") not in (None, 0):
                detail = self._ptt(data["ptt"])
                if detail.get("duration") == "permanent":
                    reason = detail.get("description") or f"ptt {data['ptt']}"
                    reports.append(
                        StatusReport(
                            SmsStatus.FAILED, provider_id=provider_id, key=key, reason=str(reason)
                        )
                    )
        return reports

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
            "11 letters or digits); empty: OVHcloud's short number, which can receive replies."
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
