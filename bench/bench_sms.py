"""SMS: planning a send and handing it to a gateway, next to the plainest way of doing it.

    python bench/bench_sms.py [--customers 5000] [--repeat 3]

On a demo database of ``--customers`` customers (made once in a temporary folder):

* **planning**: the recipient funnel (``build_funnel``: target rows, phones normalised, refusals
  and legal basis read) and the message rendered and measured for everyone (``apply_body``, what
  the SMS window redoes after each keystroke);
* **HTTP**: the same messages POSTed as JSON to a provider on 127.0.0.1 (a thread answering
  ``{"id": ...}``) — reference: a bare ``urllib`` loop, no database; Cible: ``create_batch`` +
  ``send_due`` (each message committed as pending, attempted, then sent, with the contact
  history, ``synchronous=FULL``); Cible's overhead per message is printed (budget: 10 ms);
* **outbox**: the same messages written to a CSV file — reference: ``csv.writer``; Cible:
  ``create_batch`` + ``send_due`` through ``OutboxGateway``.

Prints the medians and the ratios.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import statistics
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import delete

from app.export.sms.gateway import HttpGateway, OutboxGateway
from app.export.sms.recipients import apply_body, build_funnel
from app.export.sms.sender import create_batch, send_due
from app.export.sms.settings import HttpConfig, SmsSettings
from app.export.sms.templates import placeholders
from app.models import ContactHistory
from app.models.db import open_database
from app.models.demo import generate_demo
from app.models.sms import SmsBatch, SmsKind, SmsMessage
from app.query.target import Target

TODAY = dt.date(2026, 11, 23)
BODY = "Bonjour {civilité} {nom}, votre {modèle} ({immatriculation}) attend sa révision. {site}"


class _Handler(BaseHTTPRequestHandler):
    count = 0

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        _Handler.count += 1
        payload = json.dumps({"id": f"m{_Handler.count}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def median_time(
    fn: Callable[[], object], repeat: int, reset: Callable[[], None] | None = None
) -> float:
    times = []
    for _ in range(repeat):
        if reset is not None:
            reset()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cible-bench-sms-"))
    database = open_database(folder / "bench.sqlite")
    generate_demo(database, args.customers, today=TODAY)
    settings = SmsSettings(sender_name="GARAGE", optout_mention="STOP au 36111")
    target = Target(name="bench", grain="customer")

    def plan():
        with database.engine.connect() as conn:
            funnel, requested = build_funnel(
                conn, target, SmsKind.SERVICE, settings, merge_names=placeholders(BODY)
            )
        return apply_body(funnel, BODY, SmsKind.SERVICE, settings, requested)

    planning = median_time(plan, args.repeat)
    the_plan = plan()
    with database.engine.connect() as conn:
        funnel, requested = build_funnel(
            conn, target, SmsKind.SERVICE, settings, merge_names=placeholders(BODY)
        )
    preview = median_time(
        lambda: apply_body(funnel, BODY, SmsKind.SERVICE, settings, requested), args.repeat
    )
    messages = [(r.phone.e164, r.text) for r in the_plan.recipients]
    print(f"{args.customers} customers, {len(messages)} SMS")
    print(f"planning (funnel + messages): {planning:.2f} s; messages only: {preview:.3f} s")

    def reset() -> None:
        with database.session() as session:
            session.execute(delete(ContactHistory).where(ContactHistory.channel == "sms"))
            session.execute(delete(SmsMessage))
            session.execute(delete(SmsBatch))

    def cible(gateway) -> None:
        with database.session() as session:
            batch = create_batch(session, the_plan, campaign="bench", gateway=gateway.kind)
            batch_id = batch.id
        summary = send_due(database, gateway, sender_name="GARAGE", batch_id=batch_id)
        assert summary.handled == len(messages), summary

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    try:

        def reference_http() -> None:
            for phone, text in messages:
                body = json.dumps({"to": phone, "text": text, "from": "GARAGE"}).encode()
                request = urllib.request.Request(
                    url, data=body, headers={"Content-Type": "application/json"}, method="POST"
                )
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    json.loads(response.read())

        config = HttpConfig(url=url, auth="none", rate_per_second=0)
        ref = median_time(reference_http, args.repeat)
        ours = median_time(lambda: cible(HttpGateway(config, None)), args.repeat, reset)
        print(f"HTTP: reference {ref:.2f} s, Cible {ours:.2f} s, ratio {ours / ref:.2f}x")
        overhead = (ours - ref) / max(len(messages), 1) * 1000
        verdict = "OK" if overhead < 10 else "OVER BUDGET"
        print(f"Cible's overhead per message: {overhead:.2f} ms (budget 10 ms: {verdict})")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

    out = folder / "outbox"
    out.mkdir()

    def reference_csv() -> None:
        with (folder / "reference.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["reference", "phone", "sender", "message"])
            for i, (phone, text) in enumerate(messages):
                writer.writerow([f"k{i}", phone, "GARAGE", text])

    def reset_outbox() -> None:
        reset()
        for path in out.glob("*.csv"):
            path.unlink()

    ref = median_time(reference_csv, args.repeat)
    ours = median_time(lambda: cible(OutboxGateway(out)), args.repeat, reset_outbox)
    print(f"outbox: reference {ref:.3f} s, Cible {ours:.2f} s, ratio {ours / ref:.0f}x")
    database.dispose()


if __name__ == "__main__":
    main()
