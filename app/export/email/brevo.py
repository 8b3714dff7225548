"""Brevo's transactional e-mail API: the alternative to the dealership's SMTP server. No Qt here.

Chosen in the e-mail settings (``route = "brevo"``); the API key lives in the system keyring
(service ``Cible e-mail``, account ``brevo-api-key``), never in the database. The journal and
its at-most-once rule are the SMTP route's (:mod:`app.export.email.sender`): every message is
written, with the ``Message-ID`` and token Cible chose, before it leaves; it is ``in_data``
while the request is on its way.

What the API does, from Brevo's documentation:

* ``POST {base}/smtp/email`` with the header ``api-key``, a JSON body with ``sender``, ``to``,
  ``replyTo``, ``subject``, ``htmlContent``, ``textContent``, ``attachment`` and custom
  ``headers`` ("standard email headers are not supported": Cible's own ``Message-ID`` and
  ``List-Unsubscribe`` stay in the journal and the visible unsubscribe line), answered
  ``201`` with ``{"messageId": "<…>"}``
  (https://developers.brevo.com/reference/sendtransacemail,
  https://developers.brevo.com/docs/send-a-transactional-email);
* ``headers.idempotencyKey`` (a UUID): "the request will be processed only once" within the
  key's time-to-live; Cible sends the message's token as that UUID, so a request repeated by
  the network is not a second e-mail
  (https://developers.brevo.com/docs/heterogenous-versions-batch-emails);
* ``GET {base}/smtp/blockedContacts?limit=&offset=`` lists the transactional contacts Brevo
  blocks, with ``reason.code`` (hard bounce, unsubscribed via e-mail, API or Marketing
  Automation, spam complaint, admin blocked) and ``blockedAt``
  (https://developers.brevo.com/reference/get-transac-blocked-contacts).

Outcomes: ``201``/``200``/``202`` sent; ``400`` (and other 4xx about the content) failed, the
rest go on; ``401``/``403`` (key refused) and ``429`` (rate) or no connection at all: nothing
was accepted, the message goes back to pending and the send stops; a ``5xx`` answer or a
connection lost while waiting for the answer: **unknown**, never re-sent blindly.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import http.client
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from app.export.email.mailbox import MailboxSummary, mark_invalid, unsubscribe
from app.export.email.sender import ContentRefused, EmailSendError, NotSent, SessionLost
from app.export.email.settings import BREVO_ACCOUNT, EmailSettings, get_password
from app.i18n import _
from app.models import permissions
from app.models.db import Database

BREVO_UNSUBSCRIBE_SOURCE = "Brevo unsubscribe"
BREVO_BOUNCE_SOURCE = "Brevo bounce"
#: ``reason.code`` values of blockedContacts that mean "do not e-mail again".
UNSUBSCRIBE_CODES = {
    "unsubscribedViaEmail",
    "unsubscribedViaApi",
    "unsubscribedViaMA",
    "contactFlaggedAsSpam",
}
BOUNCE_CODES = {"hardBounce"}
PAGE = 100


def _error_text(body: bytes) -> str:
    try:
        data = json.loads(body.decode("utf-8", errors="replace"))
    except ValueError:
        return " ".join(body.decode("utf-8", errors="replace").split())[:200]
    if isinstance(data, dict):
        return " ".join(str(data.get(k, "")) for k in ("code", "message") if data.get(k))[:200]
    return str(data)[:200]


def _address(header: Any) -> dict[str, str] | None:
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    if not addresses:
        return None
    first = addresses[0]
    entry = {"email": first.addr_spec}
    if first.display_name:
        entry["name"] = first.display_name
    return entry


def payload(content: bytes) -> dict[str, Any]:
    """The JSON body of ``POST /smtp/email`` for one complete message of the journal."""
    msg = email.message_from_bytes(content, policy=email.policy.default)
    text_part = msg.get_body(("plain",))
    html_part = msg.get_body(("html",))
    body: dict[str, Any] = {
        "sender": _address(msg["From"]),
        "to": [_address(msg["To"])],
        "subject": str(msg["Subject"] or ""),
    }
    if html_part is not None:
        body["htmlContent"] = html_part.get_content()
    if text_part is not None:
        body["textContent"] = text_part.get_content()
    reply_to = _address(msg["Reply-To"])
    if reply_to:
        body["replyTo"] = reply_to
    attachments = []
    for part in msg.walk():
        if part.get_content_maintype() == "image":
            cid = str(part["Content-ID"] or "").strip("<>") or "image"
            name = f"{cid}.{part.get_content_subtype()}"
            data = part.get_payload(decode=True) or b""
            attachments.append({"name": name, "content": base64.b64encode(data).decode("ascii")})
    if attachments:
        body["attachment"] = attachments
    token = str(msg["X-Cible-Token"] or "")
    headers = {"X-Cible-Message-Id": str(msg["Message-ID"] or "").strip("<>")}
    if token:
        headers["X-Cible-Token"] = token
        try:
            headers["idempotencyKey"] = str(uuid.UUID(hex=token))
        except ValueError:
            pass
    body["headers"] = headers
    return body


@dataclass
class BrevoAnswer:
    status: int
    body: bytes


class BrevoTransport:
    """Sends each journal message with one API request (see the module docstring)."""

    def __init__(
        self, settings: EmailSettings, api_key: str | None = None, timeout: float = 60
    ) -> None:
        self.settings = settings
        self.api_key = api_key
        self.timeout = timeout
        #: Brevo's ``messageId`` of the last message accepted.
        self.last_message_id: str | None = None

    @property
    def base(self) -> str:
        return self.settings.brevo_url.strip().rstrip("/")

    def _key(self) -> str:
        key = self.api_key if self.api_key is not None else get_password(BREVO_ACCOUNT)
        if not key:
            raise EmailSendError(_("No Brevo API key is stored: enter it in the e-mail settings."))
        self.api_key = key
        return key

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> BrevoAnswer:
        """One request; HTTP errors come back as answers. :class:`NotSent` when the request
        could not be delivered; :class:`SessionLost` when the answer was lost."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={
                "api-key": self._key(),
                "accept": "application/json",
                "content-type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return BrevoAnswer(response.status, response.read())
        except urllib.error.HTTPError as error:
            return BrevoAnswer(error.code, error.read() or b"")
        except urllib.error.URLError as error:  # the request itself did not go out
            reason = error.reason
            if isinstance(reason, ssl.SSLError):
                raise NotSent(
                    _("Secure connection to {host} failed: {error}").format(
                        host=urllib.parse.urlsplit(self.base).hostname, error=reason
                    )
                ) from None
            raise NotSent(
                _("Cannot reach Brevo at {url}: {error}").format(url=self.base, error=reason)
            ) from None
        except (OSError, http.client.HTTPException) as error:  # sent; the answer was lost
            raise SessionLost(str(error) or type(error).__name__) from None

    # -- the transport interface of app.export.email.sender ---------------------------------
    def envelope(self, from_address: str, to_address: str) -> None:
        self._key()  # no key: nothing is handed over

    def data(self, content: bytes) -> None:
        answer = self.request("POST", "/smtp/email", payload(content))
        if answer.status in (200, 201, 202):
            try:
                self.last_message_id = str(json.loads(answer.body or b"{}").get("messageId") or "")
            except (ValueError, AttributeError):
                self.last_message_id = None
            return
        reason = f"{answer.status} {_error_text(answer.body)}".strip()
        if answer.status in (401, 403):
            raise NotSent(_("Brevo refused the API key: {reason}").format(reason=reason))
        if answer.status == 429:
            raise NotSent(
                _("Brevo's rate limit is reached ({reason}); the rest waits for the next run.")
                .format(reason=reason)
            )
        if 400 <= answer.status < 500:
            raise ContentRefused(reason)
        raise SessionLost(_("Brevo answered {reason}").format(reason=reason))

    def close(self) -> None:
        pass


def sync_blocked(database: Database, transport: BrevoTransport) -> MailboxSummary:
    """Bring Brevo's blocked contacts back into Cible: unsubscribes (and spam complaints) set
    the e-mail refusal with the date Brevo gives and the source ``Brevo unsubscribe``; hard
    bounces mark the address invalid. Applying the list twice changes nothing."""
    summary = MailboxSummary()
    offset = 0
    while True:
        query = urllib.parse.urlencode({"limit": PAGE, "offset": offset, "sort": "asc"})
        try:
            answer = transport.request("GET", f"/smtp/blockedContacts?{query}")
        except (NotSent, SessionLost) as error:
            raise EmailSendError(str(error)) from None
        if answer.status in (401, 403):
            raise EmailSendError(
                _("Brevo refused the API key: {reason}").format(reason=_error_text(answer.body))
            )
        if answer.status != 200:
            raise EmailSendError(
                _("Brevo answered {reason}").format(
                    reason=f"{answer.status} {_error_text(answer.body)}"
                )
            )
        try:
            contacts = json.loads(answer.body or b"{}").get("contacts") or []
        except (ValueError, AttributeError):
            raise EmailSendError(_("Brevo's answer cannot be read.")) from None
        for contact in contacts:
            address = permissions.normalise_email(str(contact.get("email") or ""))
            code = str((contact.get("reason") or {}).get("code") or "")
            day = _day(str(contact.get("blockedAt") or ""))
            if not address:
                continue
            with database.session() as session:
                if code in BOUNCE_CODES:
                    mark_invalid(session, address, day, _("rejected by its server (Brevo)"), BREVO_BOUNCE_SOURCE)
                    summary.invalid.append(address)
                elif code in UNSUBSCRIBE_CODES:
                    unsubscribe(session, address, day, BREVO_UNSUBSCRIBE_SOURCE)
                    summary.unsubscribed.append(address)
                else:
                    summary.ignored += 1
        if len(contacts) < PAGE:
            return summary
        offset += PAGE


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return dt.date.today()
