"""Local fake SMS providers (real sockets on 127.0.0.1) answering as each one's documentation says.

One :class:`FakeProvider` per test, for one of ``twilio``, ``brevo``, ``smsmode``, ``ovh``: it
checks the authentication the provider asks for (Twilio's basic auth, Brevo's ``api-key``,
smsmode's ``X-Api-Key``, OVHcloud's SHA-1 signature recomputed from the request), records every
request, and answers sends, statuses, replies and STOP lists in the provider's format (see the
documentation cited in :mod:`app.export.sms.providers`). Scripted answers to a send: ``"429"``
(rate limit with the provider's wait header), ``"500"`` (nothing kept), ``"took-500"`` (the
provider keeps the message, then answers 500: its answer is lost) and ``"late"`` (kept, answered
after :attr:`State.late_seconds`, past the client's timeout). The listings honour the filters
each documentation gives (Twilio ``To``/``DateSent>``, Brevo ``phoneNumber``/``startDate``,
OVHcloud ``receiver``/``creationDatetime.from``): what Cible's look-up of an unknown outcome
asks.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CREDENTIALS: dict[str, dict[str, str]] = {
    "twilio": {"account": "AC0123456789abcdef0123456789abcdef", "secret": "twilio-token"},
    "brevo": {"secret": "xkeysib-brevo"},
    "smsmode": {"secret": "smsmode-key"},
    "ovh": {
        "service": "sms-ab12345-1",
        "account": "ovh-app-key",
        "secret": "ovh-app-secret",
        "consumer_key": "ovh-consumer",
    },
}
#: What each preset keeps as settings (not secret) and in the keyring (secret).
VALUES = {
    name: {k: v for k, v in c.items() if k in ("account", "service")}
    for name, c in CREDENTIALS.items()
}
SECRETS = {
    name: {k: v for k, v in c.items() if k not in ("account", "service")}
    for name, c in CREDENTIALS.items()
}
SERVER_TIME = 1_790_000_000  # what OVHcloud's /auth/time answers
#: What OVHcloud appends to an advertising SMS (its control panel's TUC_SMS_STOP_CLAUSE).
OVH_STOP_CLAUSE = "\nSTOP:36111"


def _credits(text: str, gsm: bool) -> int:
    """SMS billed for *text* the way OVHcloud's panel counts them (getSmsInfoText): 160 GSM-7
    characters or 70 otherwise in one SMS, then 153 or 67 a part (plain characters: the tests
    send no extension-table character)."""
    single, part = (160, 153) if gsm else (70, 67)
    length = len(text) if gsm else len(text.encode("utf-16-le")) // 2
    return 1 if length <= single else -(-length // part)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Sent:
    id: str
    to: str
    text: str
    sender: str
    ref: str = ""
    status: str = ""
    when: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


@dataclass
class State:
    provider: str
    requests: list[Request] = field(default_factory=list)
    script: list[str] = field(default_factory=list)
    #: Numbers the provider refuses as invalid, and numbers that sent it STOP.
    invalid: set[str] = field(default_factory=set)
    optout: set[str] = field(default_factory=set)
    sent: dict[str, Sent] = field(default_factory=dict)
    #: OVHcloud: the credits each message cost (``totalCreditsRemoved``).
    credits: dict[str, int] = field(default_factory=dict)
    #: (number E.164, text) received from phones.
    replies: list[tuple[str, str]] = field(default_factory=list)
    wait_seconds: str = "2"
    late_seconds: float = 1.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: Any = field(default_factory=lambda: itertools.count(1))

    def posts(self) -> list[Request]:
        return [r for r in self.requests if r.method == "POST"]

    def gets(self, fragment: str = "") -> list[Request]:
        return [r for r in self.requests if r.method == "GET" and fragment in r.path]

    def set_status(self, to: str, status: str) -> None:
        for s in self.sent.values():
            if s.to == to:
                s.status = status


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, code: int, data: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(data).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _kept(self, action: str, code: int, data: Any) -> None:
        """Answer a send the provider kept: at once, with a 500 (``took-500``: the answer is
        lost), or after the client gave up waiting (``late``)."""
        if action == "took-500":
            self._send(500, {"message": "Internal error"})
            return
        if action == "late":
            time.sleep(self.server.state.late_seconds)
        try:
            self._send(code, data)
        except OSError:  # the client is gone
            pass

    def _read(self) -> tuple[bytes, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        kind = self.headers.get("Content-Type") or ""
        if "json" in kind:
            return raw, json.loads(raw or b"null")
        return raw, {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def _handle(self, method: str) -> None:
        state = self.server.state
        raw, body = self._read() if method == "POST" else (b"", None)
        parts = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(parts.query).items()}
        with state.lock:
            state.requests.append(Request(method, parts.path, query, dict(self.headers), body))
            action = state.script.pop(0) if method == "POST" and state.script else "ok"
        handler = getattr(self, "_" + state.provider)
        handler(method, parts.path, query, raw, body, action)

    # -- Twilio (https://www.twilio.com/docs/messaging/api/message-resource) ------------------
    def _twilio(self, method, path, query, raw, body, action) -> None:
        state = self.server.state
        creds = CREDENTIALS["twilio"]
        expected = base64.b64encode(f"{creds['account']}:{creds['secret']}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            self._send(401, {"code": 20003, "message": "Authenticate", "status": 401})
            return
        base = f"/2010-04-01/Accounts/{creds['account']}/Messages.json"
        if path != base:
            self._send(404, {"code": 20404, "message": "not found", "status": 404})
            return
        if method == "POST":
            if action == "429":
                self._send(429, {"code": 20429, "message": "Too Many Requests", "status": 429})
                return
            to = body.get("To", "")
            if to in state.optout:
                self._send(
                    400,
                    {
                        "code": 21610,
                        "message": "Attempt to send to unsubscribed recipient",
                        "more_info": "https://www.twilio.com/docs/errors/21610",
                        "status": 400,
                    },
                )
                return
            if to in state.invalid:
                self._send(
                    400,
                    {
                        "code": 21211,
                        "message": f"The 'To' number {to} is not a valid phone number.",
                        "status": 400,
                    },
                )
                return
            if action == "500":
                self._send(500, {"code": 20500, "message": "Internal Server Error"})
                return
            sid = f"SM{next(state.ids):032x}"
            sender = body.get("From") or body.get("MessagingServiceSid", "")
            state.sent[sid] = Sent(sid, to, body.get("Body", ""), sender, status="queued")
            self._kept(
                action, 201, {"sid": sid, "status": "queued", "to": to, "body": body["Body"]}
            )
            return
        size = int(query.get("PageSize", 50))
        page = int(query.get("Page", 0))
        everything = [
            {
                "sid": s.id,
                "to": s.to,
                "from": s.sender,
                "body": s.text,
                "status": s.status,
                "direction": "outbound-api",
                "date_created": s.when.strftime("%a, %d %b %Y %H:%M:%S +0000"),
                "date_sent": s.when.strftime("%a, %d %b %Y %H:%M:%S +0000"),
                "error_code": 30003 if s.status == "undelivered" else None,
                "error_message": "Unreachable destination handset"
                if s.status == "undelivered"
                else None,
            }
            for s in state.sent.values()
        ] + [
            {
                "sid": f"SM{10_000 + i:032x}",
                "to": "+33700000000",
                "from": phone,
                "body": text,
                "status": "received",
                "direction": "inbound",
                "date_sent": "Thu, 21 May 2026 09:00:00 +0000",
            }
            for i, (phone, text) in enumerate(state.replies)
        ]
        if "To" in query:
            everything = [m for m in everything if m["to"] == query["To"]]
        if "DateSent>" in query:  # DateSent>=YYYY-MM-DD
            day = dt.date.fromisoformat(query["DateSent>"])
            everything = [
                m
                for m in everything
                if dt.datetime.strptime(m["date_sent"], "%a, %d %b %Y %H:%M:%S %z").date() >= day
            ]
        chunk = everything[page * size : (page + 1) * size]
        more = (page + 1) * size < len(everything)
        self._send(
            200,
            {
                "messages": chunk,
                "page": page,
                "page_size": size,
                "next_page_uri": f"{base}?PageSize={size}&Page={page + 1}" if more else None,
            },
        )

    # -- Brevo (https://developers.brevo.com/reference/sendtransacsms, get-sms-events) ------------
    def _brevo(self, method, path, query, raw, body, action) -> None:
        state = self.server.state
        if self.headers.get("api-key") != CREDENTIALS["brevo"]["secret"]:
            self._send(401, {"code": "unauthorized", "message": "Key not found"})
            return
        if method == "POST" and path == "/v3/transactionalSMS/send":
            if action == "429":
                self._send(
                    429,
                    {"code": "too_many_requests", "message": "Too many requests"},
                    {"x-sib-ratelimit-limit": "10", "x-sib-ratelimit-remaining": "0",
                     "x-sib-ratelimit-reset": state.wait_seconds},
                )  # fmt: skip
                return
            to = "+" + body["recipient"]
            if to in state.invalid:
                self._send(400, {"code": "invalid_parameter", "message": "Invalid phone number"})
                return
            if action == "500":
                self._send(500, {"code": "internal_error", "message": "Internal error"})
                return
            message_id = str(1511882900176000 + next(state.ids))
            state.sent[message_id] = Sent(message_id, to, body["content"], body["sender"])
            self._kept(action, 201, {"messageId": int(message_id)})
            return
        if method == "GET" and path == "/v3/transactionalSMS/statistics/events":
            events = []
            for s in state.sent.values():
                events.append(self._event(s, "sent"))
                if s.status:
                    events.append(self._event(s, s.status))
            # replies and opt-outs arrived a moment ago (the listing is asked from a date on)
            received = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
            for phone, text in state.replies:
                events.append({"phoneNumber": phone[1:], "date": received,
                               "messageId": "0", "event": "replies", "reply": text})  # fmt: skip
            for phone in sorted(state.optout):
                events.append({"phoneNumber": phone[1:], "date": received,
                               "messageId": "0", "event": "unsubscription"})  # fmt: skip
            if "phoneNumber" in query:
                events = [e for e in events if e["phoneNumber"] == query["phoneNumber"]]
            if "startDate" in query:
                day = dt.date.fromisoformat(query["startDate"])
                events = [e for e in events if dt.date.fromisoformat(e["date"][:10]) >= day]
            limit, offset = int(query.get("limit", 50)), int(query.get("offset", 0))
            self._send(200, {"events": events[offset : offset + limit]})
            return
        self._send(404, {"code": "not_found", "message": "not found"})

    @staticmethod
    def _event(s: Sent, event: str) -> dict[str, Any]:
        found = {"phoneNumber": s.to[1:], "date": s.when.isoformat(timespec="milliseconds"),
                 "messageId": int(s.id), "event": event, "tag": "cible"}  # fmt: skip
        if event == "hardBounces":
            found["reason"] = "Invalid number"
        return found

    # -- smsmode (https://dev.smsmode.com/sms/v1/message) ------------------------------------
    def _smsmode(self, method, path, query, raw, body, action) -> None:
        state = self.server.state
        if self.headers.get("X-Api-Key") != CREDENTIALS["smsmode"]["secret"]:
            self._send(401, {"status": 401, "title": "Unauthorized", "detail": "Invalid API key"})
            return
        if method == "POST" and path == "/sms/v1/messages":
            if action == "429":
                self._send(
                    429,
                    {"status": 429, "title": "Too Many Requests"},
                    {"Retry-After": state.wait_seconds},
                )
                return
            to = "+" + body["recipient"]["to"]
            if to in state.invalid:
                self._send(400, {"status": 400, "title": "Bad Request",
                                 "detail": "recipient.to: invalid phone number"})  # fmt: skip
                return
            if action == "500":
                self._send(500, {"status": 500, "title": "Internal Server Error"})
                return
            message_id = f"{next(state.ids):024x}"
            state.sent[message_id] = Sent(
                message_id,
                to,
                body["body"]["text"],
                body.get("from", ""),
                body.get("refClient", ""),
            )
            self._kept(action, 201, self._message(state.sent[message_id]))
            return
        if method == "GET" and path.startswith("/sms/v1/messages/"):
            found = state.sent.get(path.rsplit("/", 1)[1])
            if found is None:
                self._send(404, {"status": 404, "title": "Not Found"})
            else:
                self._send(200, self._message(found))
            return
        if method == "GET" and path == "/sms/v1/messages":
            # not in smsmode's reference: answered as a listing that ignores the direction
            # filter would be, Cible's own messages (MT) among the phones' (MO)
            mo = [
                {
                    "messageId": f"mo{i}",
                    "direction": "MO",
                    "from": phone[1:],
                    "recipient": {"to": "36111"},
                    "body": {"text": text},
                    "acceptedAt": "2026-05-21T09:00:00Z",
                }
                for i, (phone, text) in enumerate(
                    state.replies + [(p, "STOP") for p in sorted(state.optout)]
                )
            ]
            self._send(200, mo + [self._message(m) for m in state.sent.values()])
            return
        self._send(404, {"status": 404, "title": "Not Found"})

    @staticmethod
    def _message(s: Sent) -> dict[str, Any]:
        return {
            "messageId": s.id,
            "acceptedAt": "2026-05-20T14:00:00Z",
            "recipient": {"to": s.to[1:]},
            "body": {"text": s.text},
            "from": s.sender,
            "refClient": s.ref,
            "direction": "MT",
            "sentDate": s.when.isoformat(timespec="seconds"),
            "status": {
                "value": s.status or "ENROUTE",
                "detail": "Unknown subscriber" if s.status == "UNDELIVERABLE" else "",
                "deliveryDate": "2026-05-20T14:00:05Z" if s.status == "DELIVERED" else None,
            },
        }

    # -- OVHcloud (https://eu.api.ovh.com/console/?section=/sms) -------------------------------
    def _ovh(self, method, path, query, raw, body, action) -> None:
        state = self.server.state
        if path == "/1.0/auth/time":
            self._send(200, SERVER_TIME)
            return
        creds = CREDENTIALS["ovh"]
        url = f"http://{self.headers['Host']}{self.path}"
        stamp = self.headers.get("X-Ovh-Timestamp", "")
        plain = "+".join([creds["secret"], creds["consumer_key"], method, url, raw.decode(), stamp])
        expected = "$1$" + hashlib.sha1(plain.encode()).hexdigest()  # noqa: S324
        if (
            self.headers.get("X-Ovh-Application") != creds["account"]
            or self.headers.get("X-Ovh-Consumer") != creds["consumer_key"]
            or self.headers.get("X-Ovh-Signature") != expected
        ):
            self._send(400, {"errorCode": "INVALID_SIGNATURE", "httpCode": "400 Bad Request",
                             "message": "Invalid signature"})  # fmt: skip
            return
        service = f"/1.0/sms/{creds['service']}"
        if method == "POST" and path == service + "/jobs":
            if action == "429":
                self._send(429, {"message": "Too many requests"},
                           {"Retry-After": state.wait_seconds})  # fmt: skip
                return
            to = body["receivers"][0]
            if to in state.invalid:
                self._send(200, {"ids": [], "invalidReceivers": [to], "validReceivers": [],
                                 "totalCreditsRemoved": 0, "tag": body.get("tag")})  # fmt: skip
                return
            if action == "500":
                self._send(500, {"message": "Internal server error"})
                return
            message_id = str(next(state.ids))
            text = body["message"]
            if not body.get("noStopClause"):  # the clause OVHcloud appends to advertising SMS
                text += OVH_STOP_CLAUSE
            state.sent[message_id] = Sent(message_id, to, text, body.get("sender", ""))
            state.credits[message_id] = _credits(text, body.get("coding") == "7bit")
            self._kept(action, 200, {"ids": [int(message_id)], "invalidReceivers": [],
                                     "validReceivers": [to],
                                     "totalCreditsRemoved": state.credits[message_id],
                                     "tag": body.get("tag")})  # fmt: skip
            return
        if method == "GET" and path == service + "/outgoing":
            found = list(state.sent.values())
            if "receiver" in query:
                found = [s for s in found if s.to == query["receiver"]]
            if "creationDatetime.from" in query:
                since = dt.datetime.fromisoformat(query["creationDatetime.from"])
                found = [s for s in found if s.when >= since]
            self._send(200, [int(s.id) for s in found])
            return
        if method == "GET" and path.startswith(service + "/outgoing/"):
            s = state.sent.get(path.rsplit("/", 1)[1])
            if s is None:
                self._send(404, {"message": "The requested object does not exist"})
                return
            self._send(
                200,
                {"id": int(s.id), "receiver": s.to, "sender": s.sender, "message": s.text,
                 "creationDatetime": s.when.isoformat(timespec="seconds"),
                 "deliveredAt": "2026-05-20T16:00:05+02:00" if s.status == "delivered" else None,
                 "deliveryReceipt": 0, "ptt": 16 if s.status == "failed" else 0,
                 "credits": 1, "numberOfSms": 1, "tag": "cible"},
            )  # fmt: skip
            return
        if method == "GET" and path == "/1.0/sms/ptts":
            self._send(200, {"comment": "unknown subscriber", "description": "Unknown number",
                             "duration": "permanent"})  # fmt: skip
            return
        if method == "GET" and path == service + "/incoming":
            self._send(200, list(range(1, len(state.replies) + 1)))
            return
        if method == "GET" and path.startswith(service + "/incoming/"):
            phone, text = state.replies[int(path.rsplit("/", 1)[1]) - 1]
            self._send(200, {"id": 1, "sender": phone, "message": text, "credits": 0,
                             "creationDatetime": "2026-05-21T11:00:00+02:00", "tag": ""})  # fmt: skip
            return
        if method == "GET" and path == service + "/blacklists":
            self._send(200, sorted(state.optout))
            return
        self._send(404, {"message": "not found"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: State


class FakeProvider:
    """``with FakeProvider("twilio") as fake: fake.values`` (the preset values, base URL in)."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.state = State(provider)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = self.state
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}" + ("/1.0" if self.provider == "ovh" else "")

    @property
    def values(self) -> dict[str, str]:
        return {**VALUES[self.provider], "base_url": self.base, "rate_per_second": "0"}

    @property
    def secrets(self) -> dict[str, str]:
        return dict(SECRETS[self.provider])

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
