"""Test kit for SMS: a small dealership over four markets, a local SMS provider, a keyring.

Imported by the SMS tests of tests/export/sms, tests/cli and tests/ui/sms.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from keyringkit import MemoryKeyring  # noqa: F401  (the tests import it from here)
from sqlalchemy import select

from app.export.sms.recipients import plan_send
from app.export.sms.sender import create_batch
from app.export.sms.settings import HttpConfig, SmsSettings, load_settings, save_settings
from app.models import Customer, Site, Vehicle
from app.models.db import Database
from app.models.enums import MarketingBasis
from app.models.sms import SmsKind, SmsMessage
from app.query.target import Target

NOW = dt.datetime(2026, 5, 20, 14, 0, tzinfo=dt.UTC)  # a Wednesday, inside every window


def build_sms_sample(db: Database) -> dict[str, int]:
    """Customers that exercise every step of the SMS funnel. Returns name → customer id."""
    with db.session() as s:
        tours = Site(code="TRS", name="Garage de Tours", country="FR")
        geneve = Site(code="GVA", name="Garage de Genève", country="CH", subdivision="CH-GE")
        quebec = Site(code="QC", name="Garage de Québec", country="CA", subdivision="CA-QC")
        tallinn = Site(code="TLL", name="Tallinna Auto", country="EE")
        s.add_all([tours, geneve, quebec, tallinn])

        def c(ref: str, site: Site, **kw: Any) -> Customer:
            kw.setdefault("marketing_basis", MarketingBasis.CONSENT)
            kw.setdefault("country", site.country)
            kw.setdefault("civility", "M.")
            customer = Customer(dms_ref=ref, site=site, **kw)
            s.add(customer)
            return customer

        people = {
            "dupre": c(
                "1", tours, last_name="Dupré", first_name="Jean", phone_mobile="06 12 34 56 78"
            ),
            "martin": c(
                "2",
                tours,
                civility="Mme",
                last_name="Martin",
                phone_mobile="07 81 22 33 44",
                marketing_basis=MarketingBasis.LEGITIMATE_INTEREST,
            ),
            "durand": c("3", tours, last_name="Durand", phone_home="02 47 11 22 33"),
            "petit": c("4", tours, last_name="Petit", phone_mobile="0612"),
            "leroy": c(
                "5",
                tours,
                last_name="Leroy",
                phone_mobile="06 55 44 33 22",
                optout_sms=True,
                optout_sms_date=dt.date(2025, 1, 2),
            ),
            "moreau": c(
                "6",
                tours,
                last_name="Moreau",
                phone_mobile="06 66 77 88 99",
                marketing_basis=MarketingBasis.NONE,
            ),
            "martin2": c("7", tours, last_name="Martin-Bis", phone_mobile="+33 7 81 22 33 44"),
            "rossi": c("8", geneve, last_name="Rossi", phone_mobile="079 123 45 67"),
            "tremblay": c("9", quebec, last_name="Tremblay", phone_mobile="514 555 0199"),
            "tamm": c("10", tallinn, last_name="Tamm", phone_mobile="5123 4567"),
            "nobody": c("11", tours, last_name="Sansnumero"),
            "homemobile": c("12", tours, last_name="Fixe", phone_home="06 98 76 54 32"),
        }
        s.flush()
        s.add_all(
            [
                Vehicle(
                    owner_id=people["dupre"].id, model="CLIO", brand="RENAULT", plate="AB-123-CD"
                ),
                Vehicle(
                    owner_id=people["dupre"].id, model="LAGUNA", brand="RENAULT", plate="BC-234-DE"
                ),
                Vehicle(
                    owner_id=people["martin"].id, model="208", brand="PEUGEOT", plate="CD-345-EF"
                ),
                Vehicle(owner_id=people["rossi"].id, model="Golf", brand="VW", plate="GE 12345"),
            ]
        )
        s.flush()
        return {k: v.id for k, v in people.items()}


#: Who gets a marketing SMS of the sample (the others drop out of the funnel).
MARKETING_RECIPIENTS = {"dupre", "martin", "rossi", "tremblay", "tamm", "homemobile"}
PHONES = {
    "dupre": "+33612345678",
    "martin": "+33781223344",
    "rossi": "+41791234567",
    "tremblay": "+15145550199",
    "tamm": "+37251234567",
    "homemobile": "+33698765432",
    "moreau": "+33666778899",
}


def everyone() -> Target:
    return Target(name="Tous")


def save_sms_settings(db: Database, **changes: Any) -> SmsSettings:
    settings = SmsSettings(
        sender_name="GARAGE", optout_mention="STOP au 36111", price_per_segment="0.05"
    )
    http = changes.pop("http", None)
    for key, value in changes.items():
        setattr(settings, key, value)
    if http is not None:
        settings.http = http
    with db.session() as s:
        save_settings(s, settings)
    return settings


# -- planning and batches ------------------------------------------------------------------------

BODY = "Bonjour {civilité} {nom}, votre garage vous invite aux portes ouvertes."
LATER = NOW + dt.timedelta(minutes=1)


def plan(db, body=BODY, kind=SmsKind.MARKETING, *, at=None, now=NOW, **kw):
    with db.session() as s:
        settings = load_settings(s)
    with db.engine.connect() as conn:
        return plan_send(conn, everyone(), body, kind, settings, at=at, now=now, lang="en", **kw)


def make_batch(db, body=BODY, kind=SmsKind.MARKETING, *, at=None, now=NOW, gateway="http") -> int:
    the_plan = plan(db, body, kind, at=at, now=now)
    with db.session() as s:
        return create_batch(s, the_plan, campaign="Portes ouvertes", gateway=gateway, now=now).id


def messages(db) -> list[SmsMessage]:
    with db.session() as s:
        return list(s.scalars(select(SmsMessage).order_by(SmsMessage.id)))


# -- a local SMS provider ------------------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class ProviderState:
    requests: list[Recorded] = field(default_factory=list)
    #: Scripted answers for the next POSTs: "500", "503" (with :attr:`retry_after`), "401",
    #: "timeout" (nothing done, no answer), "late" (accepted and sent, the answer comes after
    #: the client gave up), "hold" (accepted, block until released).
    script: list[str] = field(default_factory=list)
    #: Numbers the provider refuses (HTTP 400).
    reject: set[str] = field(default_factory=set)
    #: key → provider id of the first accepted message with that key.
    accepted: dict[str, str] = field(default_factory=dict)
    #: provider id → (phone, text): what really went to phones.
    delivered: dict[str, tuple[str, str]] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    replies: list[dict[str, str]] = field(default_factory=list)
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    timeout_seconds: float = 1.0
    retry_after: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def posts(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]

    def phones_delivered(self) -> list[str]:
        return [phone for phone, _ in self.delivered.values()]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _answer(self, code: int, data: Any) -> None:
        payload = json.dumps(data).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:  # noqa: N802
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if "json" in (self.headers.get("Content-Type") or ""):
            body = json.loads(raw or "{}")
        else:
            body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        with state.lock:
            state.requests.append(Recorded("POST", self.path, dict(self.headers), body))
            action = state.script.pop(0) if state.script else "ok"
        if action == "500":
            self._answer(500, {"error": "internal error"})
            return
        if action == "503":
            payload = b'{"error": "overloaded"}'
            self.send_response(503)
            if state.retry_after is not None:
                self.send_header("Retry-After", state.retry_after)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        if action == "401":
            self._answer(401, {"error": "bad API key"})
            return
        if action == "timeout":
            state.release.wait(state.timeout_seconds)
            return  # the client gave up: say nothing
        key = self.headers.get("Idempotency-Key") or body.get("reference", "")
        phone = body.get("to", "")
        if phone in state.reject:
            self._answer(400, {"error": f"invalid destination {phone}"})
            return
        with state.lock:
            # like the providers of shared/COMPLIANCE.md §3: no idempotency key, every accepted
            # POST is one more SMS on a phone
            provider_id = f"m{len(state.delivered) + 1}"
            state.accepted.setdefault(key, provider_id)
            state.delivered[provider_id] = (phone, body.get("text", ""))
        if action == "hold":
            state.holding.set()
            state.release.wait(30)
            return
        if action == "late":
            state.release.wait(state.timeout_seconds)
            try:
                self._answer(200, {"id": provider_id, "status": "queued"})
            except OSError:
                pass  # the client is gone
            return
        self._answer(200, {"id": provider_id, "status": "queued"})

    def do_GET(self) -> None:  # noqa: N802
        state = self.server.state
        with state.lock:
            state.requests.append(Recorded("GET", self.path, dict(self.headers), {}))
        if self.path.startswith("/status/"):
            # by the provider's id, or by the client's reference
            ref = urllib.parse.unquote(self.path[len("/status/") :])
            provider_id = state.accepted.get(ref, ref)
            if provider_id not in state.delivered:
                self._answer(404, {"error": "unknown message"})
                return
            status = state.statuses.get(provider_id, "sent")
            self._answer(
                200,
                {
                    "id": provider_id,
                    "status": status,
                    "error": "unknown subscriber" if status == "failed" else None,
                },
            )
            return
        if self.path.startswith("/replies"):
            self._answer(200, {"replies": state.replies})
            return
        self._answer(404, {"error": "not found"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: ProviderState


class SmsProvider:
    """A provider on 127.0.0.1 in a thread: ``with SmsProvider() as provider: provider.url``."""

    def __init__(self) -> None:
        self.state = ProviderState()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = self.state
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def config(self, **changes: Any) -> HttpConfig:
        values: dict[str, Any] = dict(
            url=self.base + "/sms",
            body="json",
            fields={"to": "to", "text": "text", "sender": "from", "key": "reference"},
            auth="bearer",
            account="garage",
            id_field="id",
            status_url=self.base + "/status/{id}",
            lookup_url=self.base + "/status/{key}",
            replies_url=self.base + "/replies",
            timeout=5.0,
            retries=2,
            backoff=0.01,
            rate_per_second=0,
        )
        values.update(changes)
        return HttpConfig(**values)

    def __enter__(self) -> SmsProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.state.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def wait_for(predicate: Any, timeout: float = 20.0) -> bool:
    """Poll *predicate* (bounded); used where no Qt event loop is available."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
