"""A real local SMTP server (aiosmtpd on 127.0.0.1) and a sample dealership for e-mail tests."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SmtpServer

from app.models import permissions
from app.models.db import Database
from app.models.dealership import Customer, Site, Vehicle
from app.models.enums import BasisKind, Channel
from app.query.target import Target


class Recorder:
    """aiosmtpd handler: keeps every message received; hooks let a test act mid-session."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.refuse: set[str] = set()
        self.on_rcpt: Callable[[str], None] | None = None
        self.on_data: Callable[[bytes], None] | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.on_rcpt is not None:
            self.on_rcpt(address)
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.on_data is not None:
            self.on_data(envelope.content)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        with self.lock:
            return [str(m["To"].addresses[0].addr_spec) for m in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalSmtp:
    """``with LocalSmtp() as server:`` — an SMTP server on 127.0.0.1, on a free port."""

    def __init__(self, logins: dict[str, str] | None = None) -> None:
        """*logins*: user → password the server asks for (AUTH over the plain connection)."""
        self.handler = Recorder()
        options: dict[str, Any] = {}
        if logins:
            from aiosmtpd.smtp import AuthResult, LoginPassword

            def authenticator(server, session, envelope, mechanism, data) -> AuthResult:
                ok = isinstance(data, LoginPassword) and logins.get(data.login.decode()) == data.password.decode()
                return AuthResult(success=ok)

            options = {"authenticator": authenticator, "auth_require_tls": False}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port(), **options)

    def __enter__(self) -> LocalSmtp:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port


assert SmtpServer  # the server class aiosmtpd runs


def build_email_sample(db: Database, today: dt.date = dt.date(2026, 11, 23)) -> dict[str, int]:
    """Customers exercising every step of the e-mail funnel. Returns name → customer id."""
    with db.session() as s:
        tours = Site(
            code="TRS", name="Garage de Tours", country="FR", email="atelier@tours.example",
            booking_url="https://tours.example/rdv",
        )
        s.add(tours)

        def c(ref: str, basis: bool = True, **kw: Any) -> Customer:
            kw.setdefault("civility", "M.")
            customer = Customer(dms_ref=ref, site=tours, **kw)
            s.add(customer)
            s.flush()
            if basis:
                permissions.record_basis(
                    s, customer, Channel.EMAIL, BasisKind.CONSENT, dt.date(2025, 1, 1), "Test"
                )
            return customer

        people = {
            "dupre": c("1", last_name="Dupré", first_name="Jean", email="jean.dupre@example.fr"),
            "martin": c("2", civility="Mme", last_name="Martin", email="Martin@Example.fr "),
            "nomail": c("3", last_name="Sansmail"),
            "bad": c("4", last_name="Mauvais", email="pas une adresse"),
            "refuser": c("5", last_name="Refus", email="refus@example.fr"),
            "nobasis": c("6", basis=False, last_name="Sansbase", email="sansbase@example.fr"),
            "shared": c("7", last_name="Martin-Bis", email="martin@example.fr"),
            "company": c(
                "8", is_company=True, civility="", company_name="Transports Roux",
                email="contact@roux.example",
            ),
        }  # fmt: skip
        permissions.record_refusal(
            s, people["refuser"], Channel.EMAIL, dt.date(2026, 2, 3), "Saisie Cible"
        )
        s.add(Vehicle(
            owner_id=people["dupre"].id, brand="RENAULT", model="CLIO", plate="AB-123-CD",
            inspection_due_date=dt.date(2027, 1, 15),
        ))  # fmt: skip
        # the others that get e-mails have a vehicle too: the starters print {marque} {modèle}
        # (an e-mail with a required field empty is left out unless chosen)
        for who, model, plate in (
            ("martin", "ZOE", "EF-456-GH"), ("shared", "MEGANE", "IJ-789-KL"),
            ("company", "MASTER", "MN-012-OP"), ("nobasis", "CAPTUR", "QR-345-ST"),
        ):  # fmt: skip
            s.add(Vehicle(
                owner_id=people[who].id, brand="RENAULT", model=model, plate=plate,
                inspection_due_date=dt.date(2027, 2, 1),
            ))  # fmt: skip
        s.flush()
        return {k: v.id for k, v in people.items()}


def everyone() -> Target:
    return Target(name="Tous", grain="customer")


# -- a local Brevo API ----------------------------------------------------------------------------


class FakeBrevo:
    """``with FakeBrevo() as api:`` — an HTTP server on 127.0.0.1 answering as Brevo's
    documentation says: ``POST /v3/smtp/email`` → ``201 {"messageId": "<…>"}`` (``401`` for a
    wrong ``api-key``, ``400`` for an address in :attr:`refuse`, no answer at all for an address
    in :attr:`drop`, ``429`` when :attr:`rate_limited`); ``GET /v3/smtp/blockedContacts`` →
    :attr:`blocked`, paged by ``limit``/``offset``."""

    KEY = "xkeysib-test"

    def __init__(self) -> None:
        import http.server
        import json as json_module

        self.requests: list[tuple[str, str, dict, dict]] = []  # method, path, headers, body
        self.refuse: set[str] = set()
        self.drop: set[str] = set()
        self.rate_limited = False
        self.blocked: list[dict] = []
        self.idempotency: dict[str, str] = {}
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json_module.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                body = json_module.loads(self.rfile.read(length) or b"{}")
                with lock:
                    api.requests.append(("POST", self.path, dict(self.headers), body))
                if self.headers.get("api-key") != FakeBrevo.KEY:
                    return self._answer(401, {"code": "unauthorized", "message": "Key not found"})
                if api.rate_limited:
                    return self._answer(429, {"code": "too_many_requests", "message": "slow down"})
                to = body["to"][0]["email"]
                if to in api.drop:
                    self.close_connection = True
                    self.connection.shutdown(2)  # received, then no answer: outcome unknown
                    return
                if to in api.refuse:
                    return self._answer(400, {"code": "invalid_parameter", "message": "email is not valid"})
                key = (body.get("headers") or {}).get("idempotencyKey", "")
                with lock:
                    message_id = api.idempotency.setdefault(key or str(len(api.requests)), f"<{len(api.requests)}@smtp-relay.mailin.fr>")
                return self._answer(201, {"messageId": message_id})

            def do_GET(self) -> None:  # noqa: N802
                from urllib.parse import parse_qs, urlsplit

                with lock:
                    api.requests.append(("GET", self.path, dict(self.headers), {}))
                if self.headers.get("api-key") != FakeBrevo.KEY:
                    return self._answer(401, {"code": "unauthorized", "message": "Key not found"})
                query = parse_qs(urlsplit(self.path).query)
                limit, offset = int(query["limit"][0]), int(query["offset"][0])
                page = api.blocked[offset : offset + limit]
                return self._answer(200, {"count": len(api.blocked), "contacts": page})

        lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v3"

    def sent(self) -> list[dict]:
        return [body for method, path, _h, body in self.requests if method == "POST" and path == "/v3/smtp/email"]

    def __enter__(self) -> FakeBrevo:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- a real IMAP server (Debian's dovecot on loopback) ---------------------------------------


DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


@pytest.fixture
def imap_server(tmp_path: Path):
    if DOVECOT is None:
        if os.environ.get("CI"):
            pytest.fail("dovecot is not installed (apt-get install -y dovecot-imapd)")
        pytest.skip("dovecot is not installed")
    import pwd
    import tempfile

    if os.getuid() == 0:  # dovecot's login processes and mail users must not be root
        login_user, internal_user, internal_group = "dovenull", "dovecot", "dovecot"
        mail_uid, mail_gid = pwd.getpwnam("dovecot").pw_uid, pwd.getpwnam("dovecot").pw_gid
    else:
        me = pwd.getpwuid(os.getuid()).pw_name
        login_user = internal_user = internal_group = me
        mail_uid, mail_gid = os.getuid(), os.getgid()
    # a folder the unprivileged login processes can traverse (pytest's tmp_path is private)
    root = Path(tempfile.mkdtemp(prefix="cible-dovecot-"))
    root.chmod(0o755)
    (root / "run").mkdir()
    for sub in ("mail", "home"):
        (root / sub).mkdir()
        os.chown(root / sub, mail_uid, mail_gid)
    (root / "passwd").write_text("site@garage.example:{PLAIN}secret::::::\n")
    (root / "passwd").chmod(0o644)
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/home/%u
}}
mail_location = maildir:{root}/mail/%u
first_valid_uid = 0
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stderr=subprocess.PIPE)
    from imapclient import IMAPClient

    client = None
    for _attempt in range(100):
        try:
            client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=5)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("dovecot stopped: " + process.stderr.read().decode(errors="replace"))
            time.sleep(0.1)
    assert client is not None
    client.login("site@garage.example", "secret")
    yield client
    try:
        client.logout()
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True) if not os.environ.get("CIBLE_KEEP_DOVECOT") else None
