"""E-mail: building the messages and handing them to an SMTP server, next to the plainest way.

    python bench/bench_email.py [--customers 3000] [--repeat 3]

On a demo database of ``--customers`` customers (made once in a temporary folder), a marketing
e-mail (the win-back starter: a ``<style>`` block, a link, six merge fields) to everyone the
funnel keeps:

* **build**: every complete message (MIME ``multipart/alternative``, text and HTML in
  quoted-printable, ``List-Unsubscribe``, Cible's ``Message-ID``) — reference: the plainest
  direct use of the stdlib ``email`` package for the *same* messages (``EmailMessage``, the same
  headers, ``set_content`` + ``add_alternative`` of the subject, text and HTML already merged,
  ``as_bytes``); Cible: the template compiled once (lxml, css-inline, html2text), then per
  recipient its tokens replaced, the footer and unsubscribe line added, the message built
  (:func:`app.export.email.message.build`). Both produce the same number of bytes give or take
  the random ids;
* **SMTP**: the same messages to an aiosmtpd server on 127.0.0.1 — reference: one ``smtplib``
  session, ``sendmail`` per message; Cible: ``create_batch`` (the journal: every message written
  first) + ``send_due`` (per group of messages a claim and one read of their permissions; per
  message ``in_data`` and ``sent`` with the contact history, each a committed transaction,
  ``synchronous=FULL``). Cible's overhead per message is printed, and the journal's commits
  measured alone (the same transactions, nothing else), so the ratio reads "× plus commits".

Prints the medians and the ratios.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import email.utils
import smtplib
import statistics
import sys
import tempfile
import time
from email.message import EmailMessage as StdMessage
from email.policy import SMTP
from pathlib import Path

from sqlalchemy import delete, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "export" / "email"))

from mailkit import LocalSmtp  # noqa: E402

from app.export.email.message import build  # noqa: E402
from app.export.email.recipients import plan_send  # noqa: E402
from app.export.email.sender import create_batch, send_due  # noqa: E402
from app.export.email.settings import EmailSettings, SiteSender  # noqa: E402
from app.export.email.templates import STARTERS, compile_template  # noqa: E402
from app.models import ContactHistory  # noqa: E402
from app.models.base import utcnow  # noqa: E402
from app.models.db import open_database  # noqa: E402
from app.models.demo import generate_demo  # noqa: E402
from app.models.email import EmailBatch, EmailContent, EmailKind, EmailMessage  # noqa: E402
from app.query.target import Target  # noqa: E402

TEMPLATE = "Reconquête avec prise de rendez-vous"


def settings_for(port: int) -> EmailSettings:
    s = EmailSettings(host="127.0.0.1", port=port, security="none", per_minute=10_000_000, per_day=10_000_000)
    s.default = SiteSender(
        from_name="Garage de Tours",
        from_address="atelier@garage-tours.example",
        reply_to="accueil@garage-tours.example",
        unsubscribe_address="desinscription@garage-tours.example",
        postal_address="1 rue Nationale, 37000 Tours",
    )
    return s


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="cible-bench-email-"))
    database = open_database(folder / "demo.sqlite")
    generate_demo(database, args.customers)
    kind, subject, source = STARTERS[TEMPLATE]
    with LocalSmtp() as server:
        settings = settings_for(server.port)
        compiled = compile_template(subject, source)
        with database.session() as session:
            plan = plan_send(session, Target(name="Tous", grain="customer"), compiled, kind, settings, lang="fr")
        recipients = plan.recipients
        n = len(recipients)
        sender = settings.default

        # -- build -----------------------------------------------------------------------
        def cible_build() -> list[bytes]:
            template = compile_template(subject, source)  # once per send, counted
            return [
                build(template, r.values, to_address=r.address, to_name=r.name, sender=sender,
                      kind=EmailKind.MARKETING, lang="fr").content
                for r in recipients
            ]  # fmt: skip

        # what the reference is given: the same subject, text and HTML, already merged
        merged = []
        for r in recipients:
            built = email.message_from_bytes(
                build(compiled, r.values, to_address=r.address, to_name=r.name, sender=sender,
                      kind=EmailKind.MARKETING, lang="fr").content,
                policy=email.policy.default,
            )  # fmt: skip
            merged.append(
                (r, str(built["Subject"]), built.get_body(("plain",)).get_content(),
                 built.get_body(("html",)).get_content(), str(built["List-Unsubscribe"]))
            )  # fmt: skip

        def plain_build() -> list[bytes]:
            out = []
            for r, subj, text, html, unsubscribe in merged:
                msg = StdMessage(policy=SMTP)
                msg["From"] = email.utils.formataddr((sender.from_name, sender.from_address))
                msg["To"] = email.utils.formataddr((r.name, r.address))
                msg["Subject"] = subj
                msg["Date"] = email.utils.formatdate(localtime=True)
                msg["Message-ID"] = email.utils.make_msgid(domain="garage-tours.example")
                msg["Reply-To"] = sender.reply_to
                msg["List-Unsubscribe"] = unsubscribe
                msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
                msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
                out.append(msg.as_bytes())
            return out

        build_ref, ref_messages = median_time(plain_build, args.repeat)
        build_cible, cible_messages = median_time(cible_build, args.repeat)
        size_ref = sum(map(len, ref_messages)) / n
        size_cible = sum(map(len, cible_messages)) / n

        # -- SMTP ----------------------------------------------------------------------------
        def plain_smtp() -> int:
            with smtplib.SMTP("127.0.0.1", server.port) as smtp:
                for (r, *_rest), content in zip(merged, cible_messages, strict=True):
                    smtp.sendmail(sender.from_address, [r.address], content)
            return n

        def reset() -> None:
            with database.session() as session:
                session.execute(delete(ContactHistory).where(ContactHistory.campaign == "bench"))
                session.execute(delete(EmailContent))
                session.execute(delete(EmailMessage))
                session.execute(delete(EmailBatch))

        phases: dict[str, list[float]] = {"plan": [], "journal": [], "send": []}

        def cible_smtp() -> int:
            from app.export.email.sender import SmtpTransport

            reset()
            start = time.perf_counter()
            with database.session() as session:
                fresh = plan_send(session, Target(name="Tous", grain="customer"), compiled, kind, settings, lang="fr")
            planned = time.perf_counter()
            with database.session() as session:
                batch = create_batch(session, fresh, settings, campaign="bench", lang="fr")
                batch_id = batch.id
            written = time.perf_counter()
            summary = send_due(database, SmtpTransport(settings), settings, batch_id=batch_id, sleep=lambda s: None)
            done = time.perf_counter()
            assert summary.sent == n, summary
            phases["plan"].append(planned - start)
            phases["journal"].append(written - planned)
            phases["send"].append(done - written)
            return summary.sent

        def commits() -> int:
            """What the journal's commits alone cost: the transactions ``send_due`` commits,
            with the same statements and nothing else (no reads, no SMTP): per group of
            messages the claim, per message ``in_data``, then ``sent`` with its contact history."""
            from app.export.email.sender import _CONTACT, _IN_DATA, _SENT, BATCH

            table = EmailMessage.__table__
            with database.session() as session:
                rows = session.execute(
                    select(EmailMessage.id, EmailMessage.customer_id).order_by(EmailMessage.id)
                ).all()
            ids, customer = [r[0] for r in rows], dict(rows)
            history = {"vehicle_id": None, "campaign": "bench", "template": None, "user": ""}
            with database.engine.connect() as conn:
                for start in range(0, len(ids), BATCH):
                    group = ids[start : start + BATCH]
                    with conn.begin():
                        conn.execute(
                            table.update().where(table.c.id.in_(group))
                            .values(status="claimed", claimed_by="bench")
                        )  # fmt: skip
                    for message_id in group:
                        params = {"m_id": message_id, "m_owner": "bench", "m_at": utcnow()}
                        with conn.begin():
                            conn.execute(_IN_DATA, params)
                        with conn.begin():
                            conn.execute(_SENT, params)
                            conn.execute(_CONTACT, {**history, "contacted_at": params["m_at"],
                                                    "customer_id": customer[message_id]})  # fmt: skip
            return len(ids)

        smtp_ref, _ = median_time(plain_smtp, args.repeat)
        smtp_cible, _ = median_time(cible_smtp, args.repeat)
        commit_t, _ = median_time(commits, args.repeat)
        received = len(server.handler.messages)
    database.dispose()

    print(f"{args.customers:,} customers, {n:,} e-mails after the funnel ({received:,} received by the server)")
    print(
        f"build  reference {build_ref:.3f} s  Cible {build_cible:.3f} s  ratio {build_cible / build_ref:.2f}x"
        f"  ({size_ref / 1000:.1f} / {size_cible / 1000:.1f} KB a message)"
    )
    plan_t, journal_t, send_t = (statistics.median(phases[k]) for k in ("plan", "journal", "send"))
    print(
        f"SMTP   reference {smtp_ref:.3f} s  Cible {smtp_cible:.3f} s  ratio {smtp_cible / smtp_ref:.2f}x"
        f"  = funnel {plan_t:.3f} s + journal written (every message built) {journal_t:.3f} s"
        f" + send_due {send_t:.3f} s"
    )
    print(
        f"       send_due / reference {send_t / smtp_ref:.2f}x; Cible's overhead in send_due"
        f" {(send_t - smtp_ref) / n * 1000:.2f} ms a message, of which its commits (measured alone)"
        f" {commit_t / n * 1000:.2f} ms; without them (send_due - commits) / reference"
        f" {(send_t - commit_t) / smtp_ref:.2f}x"
    )

if __name__ == "__main__":
    main()
