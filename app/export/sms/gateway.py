"""SMS gateways: a provider's HTTP API, or an outbox file for the provider's web portal.

Both implement :class:`Gateway`. The sender (:mod:`app.export.sms.sender`) writes every message
to the log with its idempotency key before calling :meth:`Gateway.send_batch`, and records each
:class:`SendResult` as it comes.

**HTTP** (:class:`HttpGateway`): URL, authentication and field mapping come from
:class:`~app.export.sms.settings.HttpConfig` (or a provider preset, :mod:`.presets`), so the
common JSON or form APIs can be reached. HTTPS is required (plain HTTP only to this computer,
127.0.0.1, for tests). Requests are spaced to respect a rate limit. Delivery statuses and
replies (STOP) are read by polling: a desktop behind a garage's router cannot receive callbacks.

*A message is never POSTed twice.* None of the providers Cible knows documents an idempotency
key, so Cible does not count on one. A send request is repeated only when the provider cannot
have acted on it: the connection could not be made or the request could not be written
(``URLError``), or the provider answered 429 or 503 ("not now": its ``Retry-After`` is honoured
up to :attr:`HttpConfig.retry_after_cap`, the rate is halved, with jitter). Any other failure
once the request was sent — a timeout waiting for the answer, a connection lost, another 5xx —
leaves the outcome **unknown**: the message gets the status ``unknown`` and the run stops (the
rest stays pending). An unknown message is never handed again by Cible: it is asked from the
provider by Cible's reference (:meth:`Gateway.lookup`, where the provider's API allows it),
otherwise a person decides in the SMS log. Other 4xx answers fail the message with the
provider's reason.

**Outbox** (:class:`OutboxGateway`): writes the due messages to a CSV file (``reference``,
``phone``, ``sender``, ``message``; UTF-8, comma) that the user uploads to the provider's
portal. A message whose key is already in an outbox file of the folder is not written again.
:func:`read_report` imports the provider's delivery report (statuses, STOP replies).

Secrets (API key, password) are kept in the OS keyring (:func:`store_secret`), never in the
database.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import email.utils
import http.client
import io
import json
import os
import random
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import files
from app.errors import CibleError
from app.export.sms.settings import HttpConfig, SmsSettings
from app.i18n import _, ngettext
from app.models.sms import SmsStatus

KEYRING_SERVICE = "Cible SMS gateway"
OUTBOX_PREFIX = "cible-sms-outbox-"
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class GatewayError(CibleError):
    """The gateway is not set up correctly (URL, credentials, folder)."""


class GatewayUnavailable(CibleError):
    """The gateway did not answer (or answered 5xx) after every retry; try again later."""


class OutcomeUnknown(GatewayUnavailable):
    """A send request got no usable answer after it left: the message may have gone."""


class GatewayRefused(GatewayUnavailable):
    """The gateway refused Cible itself (wrong URL or key): nothing can be sent until fixed."""


#: Answers about the account or the URL, not about one message: the send stops.
_SETUP_ERRORS = {401, 402, 403, 404, 405, 407}


@dataclass(frozen=True)
class OutgoingSms:
    key: str
    phone: str
    text: str
    sender: str = ""
    #: ``marketing`` or ``service`` (a provider may route or mark them differently).
    kind: str = "service"


@dataclass(frozen=True)
class SendResult:
    key: str
    #: SENT, EXPORTED, FAILED or UNKNOWN (handed over, no answer).
    status: SmsStatus
    provider_id: str | None = None
    reason: str | None = None
    #: The provider refused the message because the number opted out with it (a STOP the
    #: provider holds): the number is put on the suppression list like a STOP reply.
    opted_out: bool = False


@dataclass(frozen=True)
class UnknownSms:
    """A message whose outcome is unknown, as the provider is asked about it
    (:meth:`Gateway.lookup`)."""

    key: str
    phone: str
    text: str
    #: When Cible handed it over (naive UTC), if known.
    handed_at: dt.datetime | None = None
    #: The provider ids of the other messages of the log to this number: not this one.
    known_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class StatusReport:
    """A delivery status from the provider, found by provider id, key or phone."""

    status: SmsStatus | None
    provider_id: str | None = None
    key: str | None = None
    phone: str | None = None
    reason: str | None = None
    when: dt.datetime | None = None


@dataclass(frozen=True)
class Reply:
    phone: str
    text: str
    when: dt.datetime | None = None

    @property
    def is_stop(self) -> bool:
        return is_optout(self.text)


#: Opt-out words of the markets Cible serves, folded (upper case, no accents): a reply whose
#: first word (or first two) is one of them is a refusal. French, English (the words Twilio
#: and the CTIA handle), German, Italian, Estonian.
OPTOUT_WORDS = frozenset(
    {
        # French
        "STOP", "STOPPER", "ARRET", "ARRETER", "ARRETEZ", "DESABONNER", "DESABONNEMENT",
        "DESABONNEZ", "DESINSCRIRE", "DESINSCRIPTION", "DESINSCRIVEZ", "DESINSCRIT",
        "DESINSCRITE",
        # English
        "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE",
        # German
        "STOPP", "ABMELDEN", "ABMELDUNG", "ABBESTELLEN", "AUSTRAGEN", "KUENDIGEN", "KUNDIGEN",
        # Italian
        "BASTA", "CANCELLA", "CANCELLAMI", "DISISCRIVI", "DISISCRIVIMI", "DISISCRIZIONE",
        # Estonian (lõpeta, loobun, loobu)
        "LOPETA", "LOOBUN", "LOOBU",
    }
)  # fmt: skip
OPTOUT_PHRASES = frozenset(
    {
        ("OPT", "OUT"), ("ME", "DESINSCRIRE"), ("ME", "DESABONNER"), ("NE", "PLUS"),
        ("NON", "INVIARE"), ("EI", "SOOVI"),
    }
)  # fmt: skip


def fold_reply(text: str) -> list[str]:
    """The words of a reply: accents removed, upper case, every punctuation mark, symbol and
    emoji (any Unicode P* or S* character) a separator — ``« Stop, merci 🙏 »`` → STOP MERCI."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for ch in decomposed:
        category = unicodedata.category(ch)
        if category.startswith("M") or category == "Cf":  # accents, ZWJ, variation selectors
            continue
        kept.append(" " if category[0] in "PSZC" else ch)
    return "".join(kept).upper().split()


def is_optout(text: str) -> bool:
    """A reply refusing further SMS (:data:`OPTOUT_WORDS`, :data:`OPTOUT_PHRASES`)."""
    words = fold_reply(text)
    if not words:
        return False
    return words[0] in OPTOUT_WORDS or tuple(words[:2]) in OPTOUT_PHRASES


class Gateway(ABC):
    kind: str = ""
    #: Delivery statuses and replies are read from the provider (:meth:`statuses`,
    #: :meth:`replies`); the outbox's come from a report file instead.
    polls: bool = False
    #: How many messages the sender hands over at a time.
    batch_size: int = 50

    @abstractmethod
    def send_batch(
        self,
        messages: list[OutgoingSms],
        on_results: Callable[[list[SendResult]], None],
        on_handing: Callable[[list[OutgoingSms]], list[OutgoingSms]] | None = None,
    ) -> None:
        """Hand *messages* over; call *on_results* as soon as outcomes are known (one message at
        a time for an API, all at once for a file).

        *on_handing* is called with the messages about to leave, just before they do; it
        returns those that may leave (the sender re-checks the send window and records the
        attempt there); the others get no result and stay as the sender left them. Raises :class:`GatewayUnavailable` when the provider
        cannot be reached: the messages without a result stay pending.
        """

    #: Handing a message again is harmless (the outbox skips a reference already written).
    rehand_safe: bool = False

    #: The provider reports statuses in bulk (a listing or report since a date), not by
    #: message: :func:`~app.export.sms.sender.poll_statuses` asks once for all of them.
    batch_statuses: bool = False

    def statuses(
        self, sent: list[tuple[str, str | None]], since: dt.datetime | None = None
    ) -> list[StatusReport]:
        """Delivery statuses of sent messages given as (key, provider id), none of them final
        yet; *since* (naive UTC) is when the oldest was sent."""
        return []

    def stop_clause(self, kind: str, sender: str) -> str:
        """The opt-out clause the provider appends itself to a message of *kind* sent under
        *sender* (``""``: none, the message carries Cible's own opt-out mention)."""
        return ""

    @property
    def can_lookup(self) -> bool:
        """The provider can be asked about a message whose outcome is unknown (by Cible's
        reference, or by its number, time and text)."""
        return False

    @property
    def lookup_missing(self) -> str:
        """Why the provider cannot be asked (shown in the SMS log); ``""`` when it can."""
        return "" if self.can_lookup else _("this gateway cannot be asked about a message")

    def lookup(self, unknown: list[UnknownSms]) -> list[StatusReport]:
        """What the provider knows of the messages *unknown* (status ``SENT`` when it has one,
        ``DELIVERED``/``FAILED`` when final, with its id). A report with no status says why
        the message stays unknown (none found, or several that could be it); a message not
        reported stays unknown as it is."""
        return []

    def replies(self) -> list[Reply]:
        """Replies received (for STOP)."""
        return []


# -- keyring ----------------------------------------------------------------------------------


def keyring_user(config: HttpConfig) -> str:
    return config.account.strip() or urllib.parse.urlsplit(config.url).hostname or "default"


def store_secret(config: HttpConfig, secret: str) -> None:
    """Keep the gateway's API key or password in the OS keyring."""
    import keyring
    from keyring.errors import KeyringError

    try:
        if secret:
            keyring.set_password(KEYRING_SERVICE, keyring_user(config), secret)
        else:
            try:
                keyring.delete_password(KEYRING_SERVICE, keyring_user(config))
            except keyring.errors.PasswordDeleteError:
                pass
    except KeyringError as error:
        raise GatewayError(
            _("Cannot store the gateway password in the system keyring: {error}").format(
                error=error
            )
        ) from None


def load_secret(config: HttpConfig) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_user(config))
    except KeyringError as error:
        raise GatewayError(
            _("Cannot read the gateway password from the system keyring: {error}").format(
                error=error
            )
        ) from None


# -- HTTP -------------------------------------------------------------------------------------


def _dig(data: Any, path: str) -> Any:
    """``data["messages"][0]["id"]`` for ``"messages.0.id"``; ``None`` if absent."""
    current = data
    for part in (p for p in path.split(".") if p):
        if isinstance(current, list):
            try:
                current = current[int(part)]
            except (ValueError, IndexError):
                return None
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
    return current


def _parse_when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    text = str(value).strip().replace("Z", "+00:00")
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS:
        return
    if not url.strip():
        raise GatewayError(_("Set the SMS gateway's URL in the SMS settings."))
    raise GatewayError(_("The SMS gateway URL must start with https:// ({url!r}).").format(url=url))


class HttpGateway(Gateway):
    kind = "http"
    polls = True
    #: Headers saying how long to wait after a 429/503, first found wins (seconds or a date).
    retry_after_headers: tuple[str, ...] = ("Retry-After",)

    def __init__(
        self,
        config: HttpConfig,
        secret: str | None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[float], float] | None = None,
    ) -> None:
        check_url(config.url)
        for extra in (config.status_url, config.replies_url, config.lookup_url):
            if extra:
                check_url(extra)
        if config.auth != "none" and not secret:
            raise GatewayError(
                _(
                    "The SMS gateway's API key or password is not set: enter it in the SMS "
                    "settings (it is kept in the system keyring)."
                )
            )
        self.config = config
        self._secret = secret or ""
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter or (lambda wait: random.uniform(0, wait / 4))  # noqa: S311
        self._last_request: float | None = None
        #: Multiplies the interval between requests (doubled at each 429/503 of the run).
        self._slowdown = 1.0

    # -- plumbing -----------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        c = self.config
        headers = {"Accept": "application/json", "User-Agent": "Cible"}
        if c.auth == "bearer":
            headers["Authorization"] = f"Bearer {self._secret}"
        elif c.auth == "basic":
            token = base64.b64encode(f"{c.account}:{self._secret}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        elif c.auth == "header":
            headers[c.auth_header] = self._secret
        return headers

    def _wait_for_rate(self) -> None:
        rate = self.config.rate_per_second
        if rate <= 0:
            return
        interval = self._slowdown / rate
        now = self._clock()
        if self._last_request is not None:
            wait = self._last_request + interval - now
            if wait > 0:
                self._sleep(wait)
                now = self._clock()
        self._last_request = now

    def _retry_after(self, error: urllib.error.HTTPError, attempt: int) -> float:
        """Seconds to wait after a 429/503: the provider's ``Retry-After`` (seconds or an HTTP
        date) up to the cap, else exponential back-off; plus jitter."""
        c = self.config
        wait = c.backoff * (2**attempt)
        header = ""
        for name in self.retry_after_headers:
            header = (error.headers.get(name) if error.headers else None) or ""
            if header.strip():
                break
        header = header.strip()
        if header:
            try:
                wait = float(header)
            except ValueError:
                try:
                    when = email.utils.parsedate_to_datetime(header)
                except (TypeError, ValueError):
                    when = None
                if when is not None:
                    if when.tzinfo is None:
                        when = when.replace(tzinfo=dt.UTC)
                    wait = (when - dt.datetime.now(dt.UTC)).total_seconds()
        wait = min(max(wait, 0.0), c.retry_after_cap)
        return wait + self._jitter(wait)

    def _request(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, str] | Callable[[], dict[str, str]],
        *,
        repeatable: bool = True,
    ) -> tuple[int, bytes]:
        """(status, body) of the first answer that is not retryable; retries the others.
        *headers* may be a function, called for each attempt (a signature with the time).

        *repeatable* False (sending a message): the request is repeated only when the provider
        cannot have acted on it (no connection, request not written, 429, 503); any other
        failure after it left raises :class:`OutcomeUnknown`.
        """
        c = self.config
        last_problem = ""
        wait = 0.0
        for attempt in range(c.retries + 1):
            if attempt:
                self._sleep(wait or c.backoff * (2 ** (attempt - 1)))
            wait = 0.0
            self._wait_for_rate()
            request = urllib.request.Request(
                url,
                data=body,
                headers=headers() if callable(headers) else headers,
                method=method,
            )
            try:
                with urllib.request.urlopen(request, timeout=c.timeout) as response:  # noqa: S310
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                payload = error.read() if error.fp else b""
                if error.code in (429, 503):
                    last_problem = f"HTTP {error.code}"
                    wait = self._retry_after(error, attempt)
                    self._slowdown = min(self._slowdown * 2, 64)
                    continue
                if error.code >= 500:
                    last_problem = f"HTTP {error.code}"
                    if not repeatable:
                        raise OutcomeUnknown(last_problem) from None
                    continue
                return error.code, payload
            except urllib.error.URLError as error:
                # raised while connecting or writing the request: the provider has not got it
                if isinstance(error.reason, TimeoutError):
                    last_problem = _("no answer (timeout)")
                else:
                    last_problem = _("cannot connect ({detail})").format(detail=error.reason)
            except TimeoutError:
                last_problem = _("no answer (timeout)")
                if not repeatable:
                    raise OutcomeUnknown(last_problem) from None
            except (ConnectionError, http.client.HTTPException, OSError) as error:
                last_problem = _("connection lost ({detail})").format(detail=error)
                if not repeatable:
                    raise OutcomeUnknown(last_problem) from None
        host = urllib.parse.urlsplit(url).hostname
        attempts = c.retries + 1
        raise GatewayUnavailable(
            ngettext(
                "The SMS gateway {host} is unavailable: {problem} after {n} attempt. The "
                "messages not sent stay pending; send them later.",
                "The SMS gateway {host} is unavailable: {problem} after {n} attempts. The "
                "messages not sent stay pending; send them later.",
                attempts,
            ).format(host=host, problem=last_problem, n=attempts)
        )

    # -- sending ------------------------------------------------------------------------------
    def _payload(self, message: OutgoingSms) -> tuple[bytes, dict[str, str]]:
        c = self.config
        data: dict[str, Any] = dict(c.extra)
        data[c.fields["to"]] = message.phone
        data[c.fields["text"]] = message.text
        if c.fields.get("sender") and message.sender:
            data[c.fields["sender"]] = message.sender
        if c.fields.get("key"):
            data[c.fields["key"]] = message.key
        headers = self._headers()
        if c.idempotency_header:
            headers[c.idempotency_header] = message.key
        if c.body == "form":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
            return urllib.parse.urlencode(flat).encode("utf-8"), headers
        headers["Content-Type"] = "application/json; charset=utf-8"
        return json.dumps(data, ensure_ascii=False).encode("utf-8"), headers

    def send_one(self, message: OutgoingSms) -> SendResult:
        body, headers = self._payload(message)
        try:
            status, answer = self._request("POST", self.config.url, body, headers, repeatable=False)
        except OutcomeUnknown as error:
            return SendResult(
                message.key,
                SmsStatus.UNKNOWN,
                None,
                _("no answer from the provider ({problem}): it may have been sent").format(
                    problem=error
                ),
            )
        if 200 <= status < 300:
            provider_id = None
            try:
                provider_id = _dig(json.loads(answer or b"null"), self.config.id_field)
            except (json.JSONDecodeError, UnicodeDecodeError):
                provider_id = None
            return SendResult(
                message.key,
                SmsStatus.SENT,
                str(provider_id) if provider_id not in (None, "") else None,
            )
        snippet = answer.decode("utf-8", "replace").strip().replace("\n", " ")[:150]
        if status in _SETUP_ERRORS:
            host = urllib.parse.urlsplit(self.config.url).hostname
            raise GatewayRefused(
                _(
                    "The SMS gateway {host} refused the request (HTTP {status} {detail}): check "
                    "its URL, account and API key in the SMS settings (or the account's "
                    "credit). The messages not sent stay pending."
                ).format(host=host, status=status, detail=snippet)
            )
        return SendResult(
            message.key,
            SmsStatus.FAILED,
            None,
            _("refused by the gateway: HTTP {status} {detail}").format(
                status=status, detail=snippet
            ),
        )

    def send_batch(
        self,
        messages: list[OutgoingSms],
        on_results: Callable[[list[SendResult]], None],
        on_handing: Callable[[list[OutgoingSms]], list[OutgoingSms]] | None = None,
    ) -> None:
        for message in messages:
            if on_handing is not None and not on_handing([message]):
                continue  # held back at the last moment (send window closed meanwhile)
            result = self.send_one(message)
            on_results([result])
            if result.status is SmsStatus.UNKNOWN:
                host = urllib.parse.urlsplit(self.config.url).hostname
                raise OutcomeUnknown(
                    _(
                        "The SMS gateway {host} did not answer for the message to {phone} "
                        "({reason}). It is marked unknown and will not be sent again by "
                        "Cible; the messages not sent stay pending."
                    ).format(host=host, phone=message.phone, reason=result.reason)
                )

    def statuses(
        self, sent: list[tuple[str, str | None]], since: dt.datetime | None = None
    ) -> list[StatusReport]:
        c = self.config
        if not c.status_url:
            return []
        delivered = {v.lower() for v in c.delivered_values}
        failed = {v.lower() for v in c.failed_values}
        reports = []
        for key, provider_id in sent:
            ref = provider_id or key
            url = c.status_url.replace("{id}", urllib.parse.quote(ref, safe="")).replace(
                "{key}", urllib.parse.quote(key, safe="")
            )
            code, answer = self._request("GET", url, None, self._headers())
            if not 200 <= code < 300:
                continue
            try:
                data = json.loads(answer or b"null")
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            value = str(_dig(data, c.status_field) or "").lower()
            status = (
                SmsStatus.DELIVERED
                if value in delivered
                else SmsStatus.FAILED
                if value in failed
                else None
            )
            reason = _dig(data, c.status_reason_field) if status is SmsStatus.FAILED else None
            reports.append(
                StatusReport(
                    status,
                    provider_id=provider_id,
                    key=key,
                    reason=str(reason or value)[:200] if status is SmsStatus.FAILED else None,
                )
            )
        return reports

    @property
    def can_lookup(self) -> bool:
        return bool(self.config.lookup_url)

    @property
    def lookup_missing(self) -> str:
        return "" if self.config.lookup_url else _("no lookup URL in the SMS settings")

    def lookup(self, unknown: list[UnknownSms]) -> list[StatusReport]:
        c = self.config
        if not c.lookup_url:
            return []
        delivered = {v.lower() for v in c.delivered_values}
        failed = {v.lower() for v in c.failed_values}
        reports = []
        for key in (u.key for u in unknown):
            url = c.lookup_url.replace("{key}", urllib.parse.quote(key, safe=""))
            code, answer = self._request("GET", url, None, self._headers())
            if not 200 <= code < 300:
                continue  # unknown to the provider (404), or no answer: a person decides
            try:
                data = json.loads(answer or b"null")
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(data, list):
                data = data[0] if data else None
            if not data:
                continue
            value = str(_dig(data, c.status_field) or "").lower()
            provider_id = _dig(data, c.id_field)
            status = (
                SmsStatus.DELIVERED
                if value in delivered
                else SmsStatus.FAILED
                if value in failed
                else SmsStatus.SENT
            )
            reports.append(
                StatusReport(
                    status,
                    provider_id=str(provider_id) if provider_id not in (None, "") else None,
                    key=key,
                    reason=value[:200] if status is SmsStatus.FAILED else None,
                )
            )
        return reports

    def replies(self) -> list[Reply]:
        c = self.config
        if not c.replies_url:
            return []
        code, answer = self._request("GET", c.replies_url, None, self._headers())
        if not 200 <= code < 300:
            return []
        try:
            data = json.loads(answer or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            return []
        items = data if isinstance(data, list) else _dig(data, c.replies_field) or []
        found = []
        for item in items if isinstance(items, list) else []:
            phone = _dig(item, c.reply_from_field)
            text = _dig(item, c.reply_text_field)
            if phone and text is not None:
                found.append(
                    Reply(str(phone), str(text), _parse_when(_dig(item, c.reply_date_field)))
                )
        return found


# -- outbox -----------------------------------------------------------------------------------

OUTBOX_COLUMNS = ("reference", "phone", "sender", "message")


def _keys_in_outboxes(folder: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(folder.glob(f"{OUTBOX_PREFIX}*.csv")):
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    key = (row.get("reference") or "").strip()
                    if key:
                        found.setdefault(key, path.name)
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
    return found


class OutboxGateway(Gateway):
    kind = "outbox"
    rehand_safe = True
    batch_size = 5000  # one file per run, unless it is very large

    def __init__(
        self, folder: str | os.PathLike[str], *, clock: Callable[[], dt.datetime] | None = None
    ) -> None:
        self.folder = Path(folder)
        self._clock = clock or dt.datetime.now
        self.written: list[Path] = []

    def send_batch(
        self,
        messages: list[OutgoingSms],
        on_results: Callable[[list[SendResult]], None],
        on_handing: Callable[[list[OutgoingSms]], list[OutgoingSms]] | None = None,
    ) -> None:
        if not messages:
            return
        if not self.folder.is_dir():
            raise GatewayError(
                _("The SMS outbox folder {folder} does not exist.").format(folder=self.folder)
            )
        already = _keys_in_outboxes(self.folder)
        fresh = [m for m in messages if m.key not in already]
        name = None
        if fresh:
            stamp = self._clock().strftime("%Y%m%d-%H%M%S")
            path = self.folder / f"{OUTBOX_PREFIX}{stamp}-{fresh[0].key[:8]}.csv"
            if on_handing is not None:
                allowed = {m.key for m in on_handing(fresh) or ()}
                fresh = [m for m in fresh if m.key in allowed]
                held = {m.key for m in messages} - allowed - set(already)
                messages = [m for m in messages if m.key not in held]
        if fresh:
            self._write(path, fresh)
            self.written.append(path)
            name = path.name
        on_results(
            [
                SendResult(
                    m.key,
                    SmsStatus.EXPORTED,
                    m.key,
                    _("outbox file {name}").format(name=already.get(m.key) or name),
                )
                for m in messages
            ]
        )

    def _write(self, path: Path, messages: Iterable[OutgoingSms]) -> None:
        try:
            with files.atomic_write(path, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(OUTBOX_COLUMNS)
                for m in messages:
                    writer.writerow([m.key, m.phone, m.sender, m.text])
        except OSError as error:
            raise GatewayError(
                _("Cannot write in {folder}: {detail}.").format(
                    folder=self.folder, detail=error.strerror or error
                )
            ) from None


_REPORT_ALIASES = {
    "key": ("reference", "ref", "key", "idempotency_key", "client_ref", "client reference"),
    "phone": ("phone", "number", "numero", "numéro", "to", "recipient", "destinataire", "mobile"),
    "status": ("status", "statut", "state", "etat", "état"),
    "reason": ("reason", "error", "motif", "detail", "détail", "description"),
    "date": ("date", "delivered_at", "date de réception", "time"),
    "reply": ("reply", "response", "reponse", "réponse", "answer"),
    "provider_id": ("id", "message_id", "messageid", "sid"),
}
_DELIVERED = {"delivered", "délivré", "delivre", "délivre", "reçu", "recu", "received", "ok"}
_FAILED = {"failed", "undelivered", "echec", "échec", "error", "erreur", "rejected", "expired"}


def read_report(path: str | os.PathLike[str]) -> tuple[list[StatusReport], list[Reply]]:
    """A provider's delivery report (CSV with ``,`` or ``;``): statuses and STOP replies.

    Columns are found by name (``reference``/``phone``/``status``/``reason``/``date``/``reply``,
    French names accepted). A status of ``STOP`` or a reply starting with STOP is a refusal.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = p.read_text(encoding="cp1252")
    except FileNotFoundError:
        raise GatewayError(_("No report file at {path}.").format(path=p)) from None
    except OSError as error:
        raise GatewayError(
            _("Cannot read {path}: {detail}.").format(path=p, detail=error.strerror or error)
        ) from None
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise GatewayError(_("{name} is empty.").format(name=p.name)) from None
    columns: dict[str, int] = {}
    for name, aliases in _REPORT_ALIASES.items():
        for i, h in enumerate(header):
            if h in aliases:
                columns[name] = i
                break
    if "key" not in columns and "phone" not in columns and "provider_id" not in columns:
        raise GatewayError(
            _(
                "{name}: no 'reference' or 'phone' column; the report cannot be matched to the log."
            ).format(name=p.name)
        )
    statuses: list[StatusReport] = []
    replies: list[Reply] = []

    def cell(row: list[str], name: str) -> str:
        i = columns.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    for row in reader:
        if not any(c.strip() for c in row):
            continue
        raw_status = cell(row, "status").lower()
        when = _parse_when(cell(row, "date"))
        phone = cell(row, "phone")
        reply = cell(row, "reply")
        if raw_status == "stop" or reply:
            replies.append(Reply(phone, reply or "STOP", when))
        status = (
            SmsStatus.DELIVERED
            if raw_status in _DELIVERED
            else SmsStatus.FAILED
            if raw_status in _FAILED
            else None
        )
        if status is not None:
            statuses.append(
                StatusReport(
                    status,
                    provider_id=cell(row, "provider_id") or None,
                    key=cell(row, "key") or None,
                    phone=phone or None,
                    reason=(cell(row, "reason") or raw_status)[:200]
                    if status is SmsStatus.FAILED
                    else None,
                    when=when,
                )
            )
    return statuses, replies


def gateway_from_settings(
    settings: SmsSettings, outbox_default: Path | None = None, **http_options: Any
) -> Gateway:
    """The gateway the settings choose; the HTTP secret is read from the keyring."""
    if settings.gateway != "outbox":
        if settings.demo_database:
            raise GatewayError(
                _(
                    "This is a demo database: its phone numbers are invented and may belong to "
                    "real people, so Cible does not send its SMS to a provider. Choose the outbox "
                    "file in the SMS settings to try sending."
                )
            )
        if settings.gateway != "http":
            from app.export.sms.providers import provider_gateway

            return provider_gateway(
                settings.gateway, settings.providers.get(settings.gateway, {}), **http_options
            )
        config = settings.http
        check_url(config.url)
        secret = load_secret(config) if config.auth != "none" else None
        return HttpGateway(config, secret, **http_options)
    folder = Path(settings.outbox_dir) if settings.outbox_dir else outbox_default
    if folder is None:
        raise GatewayError(_("Choose the folder of the SMS outbox files in the SMS settings."))
    return OutboxGateway(folder)


def default_outbox_folder(database_path: Path | None) -> Path | None:
    """``sms-outbox`` next to a SQLite database file (``None`` for a database server)."""
    return None if database_path is None else database_path.parent / "sms-outbox"


def open_gateway(database_path: Path | None, settings: SmsSettings) -> Gateway:
    """The gateway of the settings; the default outbox folder is created when needed."""
    default = default_outbox_folder(database_path)
    if settings.gateway == "outbox" and not settings.outbox_dir and default is not None:
        try:
            default.mkdir(exist_ok=True)
        except OSError as error:
            raise GatewayError(
                _("Cannot create {folder}: {detail}.").format(
                    folder=default, detail=error.strerror or error
                )
            ) from None
    return gateway_from_settings(settings, default)
