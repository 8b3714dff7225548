"""A real local SMTP server (aiosmtpd on 127.0.0.1) and a sample dealership for e-mail tests."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import threading
from collections.abc import Callable
from typing import Any

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

    def __init__(self) -> None:
        self.handler = Recorder()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

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
        tours = Site(code="TRS", name="Garage de Tours", country="FR")
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
        s.add(Vehicle(owner_id=people["dupre"].id, brand="RENAULT", model="CLIO", plate="AB-123-CD"))
        s.flush()
        return {k: v.id for k, v in people.items()}


def everyone() -> Target:
    return Target(name="Tous", grain="customer")
