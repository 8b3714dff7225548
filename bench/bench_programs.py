"""Due reminders of every loyalty program on the 100,000-customer demo (issue 15, "Speed").

``python bench/bench_programs.py [--customers 100000] [--repeat 5] [--db PATH]``

Makes (once) a demo database with its default programs (one per type), clears the DMS's next
service date of one vehicle in three (so the service rule also computes due dates from the
invoices and the mileage, not only reads the DMS's), then times, best of ``--repeat``:

* **all programs**: :func:`app.programs.rules.due` of every program for its run window (the
  catch-up days up to today): one set-based query per program, results as ``Due`` objects,
  events already recorded left out. Goal: under 2 s in total.
* **the service rule**: ``due`` of the service-reminder program next to the hand-written SQL
  for the same question through the plain ``sqlite3`` module (rows fetched), the two sides
  alternating. Goal: ratio at most 1.5. The script stops if they do not find the same rows.
* **the dashboard**: this month and next month of every program (what ``list_programs`` counts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from app.models.db import open_database  # noqa: E402
from app.models.demo import generate_demo  # noqa: E402
from app.models.programs import Program, ProgramType  # noqa: E402
from app.programs.dashboard import month_windows  # noqa: E402
from app.programs.defaults import install_defaults  # noqa: E402
from app.programs.rules import day_number, due, from_day_number  # noqa: E402
from app.programs.settings import ProgramSettings, load_settings  # noqa: E402

TODAY = dt.date(2026, 11, 23)

HAND_SQL = """
WITH serviced AS MATERIALIZED (
  SELECT v.id AS vehicle_id,
         (SELECT max(i.date) FROM workshop_invoice i
          WHERE i.vehicle_id = v.id AND i.invoice_type IN ('customer', 'warranty')) AS date
  FROM vehicle v
  WHERE v.next_service_date IS NULL AND coalesce(v.status, '') = 'in_use'
), last AS MATERIALIZED (
  SELECT s.vehicle_id, s.date,
    (SELECT i.mileage FROM workshop_invoice i WHERE i.vehicle_id = s.vehicle_id
       AND i.invoice_type IN ('customer', 'warranty') AND i.mileage IS NOT NULL
       AND i.date = s.date ORDER BY i.date DESC, i.id DESC LIMIT 1) AS mileage,
    (SELECT i.date FROM workshop_invoice i WHERE i.vehicle_id = s.vehicle_id
       AND i.invoice_type IN ('customer', 'warranty') AND i.mileage IS NOT NULL
       AND i.date < s.date ORDER BY i.date DESC, i.id DESC LIMIT 1) AS prev_date,
    (SELECT i.mileage FROM workshop_invoice i WHERE i.vehicle_id = s.vehicle_id
       AND i.invoice_type IN ('customer', 'warranty') AND i.mileage IS NOT NULL
       AND i.date < s.date ORDER BY i.date DESC, i.id DESC LIMIT 1) AS prev_mileage
  FROM serviced s WHERE s.date BETWEEN :horizon AND :recent
)
SELECT v.owner_id, v.id, CAST(julianday(v.next_service_date) - 2440587.5 AS INTEGER)
FROM vehicle v JOIN customer c ON c.id = v.owner_id
WHERE v.next_service_date BETWEEN :lo AND :hi AND v.status = 'in_use' AND c.is_fleet = 0
  AND NOT EXISTS (SELECT 1 FROM workshop_invoice i WHERE i.vehicle_id = v.id
                  AND i.date > :recent AND i.invoice_type IN ('customer', 'warranty'))
UNION ALL
SELECT owner_id, id, due FROM (
  SELECT owner_id, id,
    CAST(MIN(d1 + days, CASE WHEN dn > d0 AND kn > k0 AND k1 IS NOT NULL
                             THEN dn + (km - (kn - k1)) * (dn - d0) * 1.0 / (kn - k0)
                             ELSE 1e9 END) AS INTEGER) AS due
  FROM (
    SELECT v.owner_id, v.id,
      CAST(julianday(l.date) - 2440587.5 AS INTEGER) AS d1, l.mileage AS k1,
      CASE WHEN v.mileage_date > l.date AND v.mileage IS NOT NULL
           THEN CAST(julianday(v.mileage_date) - 2440587.5 AS INTEGER)
           ELSE CAST(julianday(l.date) - 2440587.5 AS INTEGER) END AS dn,
      CASE WHEN v.mileage_date > l.date AND v.mileage IS NOT NULL THEN v.mileage ELSE l.mileage END AS kn,
      CASE WHEN l.prev_date IS NOT NULL AND l.prev_mileage IS NOT NULL
           THEN CAST(julianday(l.prev_date) - 2440587.5 AS INTEGER)
           ELSE CAST(julianday(v.first_registration) - 2440587.5 AS INTEGER) END AS d0,
      CASE WHEN l.prev_date IS NOT NULL AND l.prev_mileage IS NOT NULL
           THEN l.prev_mileage ELSE 0 END AS k0,
      CASE WHEN upper(v.energy) = 'ELECTRIQUE' THEN 730 ELSE 365 END AS days,
      CASE WHEN upper(v.energy) = 'ELECTRIQUE' THEN 30000
           WHEN upper(v.brand) = 'DACIA' THEN 20000
           WHEN upper(v.energy) = 'DIESEL' THEN 25000 ELSE 20000 END AS km
    FROM last l JOIN vehicle v ON v.id = l.vehicle_id JOIN customer c ON c.id = v.owner_id
    WHERE c.is_fleet = 0
  )
) WHERE due BETWEEN :lo_n AND :hi_n
"""


def _hand(raw: sqlite3.Connection, lo: dt.date, hi: dt.date, settings: ProgramSettings) -> set:
    longest = max(i.days for i in settings.service_intervals)
    params = {
        "lo": lo.isoformat(),
        "hi": hi.isoformat(),
        "lo_n": day_number(lo),
        "hi_n": day_number(hi),
        "recent": (TODAY - dt.timedelta(days=settings.skip_serviced_days)).isoformat(),
        "horizon": (lo - dt.timedelta(days=longest)).isoformat(),
    }
    rows = raw.execute(HAND_SQL, params).fetchall()
    return {(c, v, from_day_number(d)) for c, v, d in rows}


def _ensure(path: Path, customers: int) -> None:
    if not path.exists():
        print(f"making {path} ({customers:,} customers)...", flush=True)
        database = open_database(path)
        generate_demo(database, customers, 1, today=TODAY)
        database.dispose()
    database = open_database(path)  # upgrades an older bench file
    with database.session() as session:
        install_defaults(session, today=TODAY)
    database.dispose()
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("UPDATE vehicle SET next_service_date = NULL WHERE id % 3 = 0")
    raw.close()


def _best(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args(argv)
    path = args.db or Path(tempfile.gettempdir()) / f"cible-bench-programs-{args.customers}.sqlite"
    _ensure(path, args.customers)
    database = open_database(path, create=False, upgrade=False)
    raw = sqlite3.connect(path)
    with database.session() as session:
        settings = load_settings(session)
        programs = session.scalars(select(Program).order_by(Program.id)).all()
        conn = session.connection()

        def window(p: Program) -> tuple[dt.date, dt.date]:
            return TODAY - dt.timedelta(days=p.late_days), TODAY

        def every_program() -> dict[str, int]:
            return {p.type: len(due(conn, p, settings, *window(p), today=TODAY)) for p in programs}

        every_program()  # warm the page cache
        total, counts = _best(every_program, args.repeat)
        print("program type        due   (run window)")
        for kind, n in counts.items():
            print(f"  {kind:18} {n:6,}")
        print(f"all {len(programs)} programs: {total:.3f} s (goal: under 2 s)")

        service = next(p for p in programs if p.type == ProgramType.SERVICE)
        lo, hi = window(service)
        lo, hi = (
            lo - dt.timedelta(days=service.offset_days),
            hi - dt.timedelta(days=service.offset_days),
        )
        engine_best = hand_best = float("inf")
        engine_rows = hand_rows = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            engine_rows = due(conn, service, settings, *window(service), today=TODAY)
            engine_best = min(engine_best, time.perf_counter() - t0)
            t0 = time.perf_counter()
            hand_rows = _hand(raw, lo, hi, settings)
            hand_best = min(hand_best, time.perf_counter() - t0)
        engine_set = {(d.customer_id, d.vehicle_id, d.event_date) for d in engine_rows or []}
        if engine_set != hand_rows:
            print(f"different rows: engine {len(engine_set)}, hand {len(hand_rows or ())}")
            return 1
        print(
            f"service rule: {len(engine_set):,} rows, engine {engine_best:.3f} s, hand-written "
            f"SQL {hand_best:.3f} s, ratio {engine_best / hand_best:.2f} (goal: at most 1.5)"
        )

        def dashboard() -> int:
            n = 0
            for p in programs:
                for a, b in month_windows(p, TODAY):
                    n += len(due(conn, p, settings, a, b, today=TODAY))
            return n

        board, n = _best(dashboard, max(1, args.repeat // 2))
        print(f"dashboard (this month and next, every program): {n:,} reminders, {board:.3f} s")
    raw.close()
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
