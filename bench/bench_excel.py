"""Excel export: 100,000 rows x 12 columns, Cible's exporter next to the plain library calls.

    python bench/bench_excel.py [--rows 100000] [--repeat 1] [--sizes 20000,100000] [--no-db]

The same generated rows (strings, postal codes and phone numbers as text, dates, whole numbers,
amounts) are written, in the same run, by:

* **XlsxWriter constant_memory**: ``Workbook(path, {"constant_memory": True,
  "default_date_format": "dd/mm/yyyy"})`` and ``write_row`` per row — the fastest plain way
  that still writes typed cells (dates as dates);
* **openpyxl write-only**: ``Workbook(write_only=True)`` and ``append`` per row;
* **Cible**: :func:`app.export.excel.write_workbook` — the same cells plus the header format,
  frozen header, autofilter, column widths, the ``Cible_Data`` name and the information sheet
  (XlsxWriter lays the workbook out, the rows are streamed as XML into its data sheet).

Each writer runs in its own child process so that its peak memory can be read on its own: the
child builds the rows, resets the kernel's peak-RSS counter (``/proc/self/clear_refs``), writes,
and reports the time and ``VmHWM - VmRSS`` before writing ("extra memory"). Writing at two
sizes shows whether memory stays flat as rows grow.

With ``--refresh``, it also times "open and refresh data" (:func:`refresh_rows`: openpyxl edits
the workbook, the rows are streamed into its data sheet) on a workbook of each size.

Unless ``--no-db``, it also times :func:`app.export.excel.export_target` end to end on a
generated SQLite database of the same size (query + write), next to the query alone.

Prints a Markdown table with the ratio of each writer to the faster plain one (goal: <= 1.2x).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COLUMNS = [
    "customer.civility",
    "customer.last_name",
    "customer.first_name",
    "customer.postal_code",
    "customer.city",
    "customer.phone_mobile",
    "vehicle.plate",
    "vehicle.brand",
    "vehicle.model",
    "vehicle.first_registration",
    "vehicle.mileage",
    "vehicle.inspection_due_date",
]
TODAY = dt.date(2026, 11, 23)
WRITERS = ("xlsxwriter", "openpyxl", "cible")
#: Also measured, outside the ratio: "open and refresh data" on a workbook of the same size.
REFRESH = "cible-refresh"
_NAMES = ["MARTIN", "BERNARD", "Dupré", "Lefèvre", "PETIT", "Durand", "Leroy", "Moreau"]
_FIRST = ["Jean", "Élodie", "Luc", "Sophie", "Marc", "Anne", "Paul", "Lucie"]
_CITIES = ["TOURS", "Joué-lès-Tours", "ABLIS", "Versailles", "Montmerle-sur-Saône", "Cluses"]
_MODELS = [("RENAULT", "CLIO"), ("PEUGEOT", "308"), ("CITROEN", "C3"), ("RENAULT", "MEGANE")]


def make_rows(n: int) -> list[tuple]:
    """*n* rows of the 12 columns, as the query engine returns them (deterministic)."""
    rnd = random.Random(42)
    rows = []
    for i in range(n):
        brand, model = _MODELS[i % len(_MODELS)]
        rows.append(
            (
                "Monsieur" if i % 2 else "Madame",
                _NAMES[i % len(_NAMES)],
                _FIRST[i % len(_FIRST)],
                f"{rnd.randint(1000, 95999):05d}",
                _CITIES[i % len(_CITIES)],
                f"06{rnd.randint(0, 99999999):08d}",
                f"{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}-{i % 1000:03d}-ZZ",
                brand,
                model,
                dt.date(2000, 1, 1) + dt.timedelta(days=rnd.randint(0, 9000)),
                rnd.randint(0, 300000),
                None if i % 7 == 0 else dt.date(2026, 1, 1) + dt.timedelta(days=i % 700),
            )
        )
    return rows


def _status(key: str) -> int:
    """A ``/proc/self/status`` value in kB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def write_xlsxwriter(path: str, header: list[str], rows: list[tuple]) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "default_date_format": "dd/mm/yyyy"}
    )
    sheet = workbook.add_worksheet("Data")
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    workbook.close()


def write_openpyxl(path: str, header: list[str], rows: list[tuple]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def write_cible(path: str, header: list[str], rows: list[tuple]) -> None:
    from app.export.excel import WorkbookInfo, write_workbook
    from app.query.catalog import get_field
    from app.query.target import Target

    target = Target(name="Bench", columns=list(COLUMNS))
    info = WorkbookInfo(target=target, run_at=dt.datetime.now(), today=TODAY, lang="fr")
    write_workbook(path, [get_field(k) for k in COLUMNS], rows, info)


def refresh_cible(path: str, header: list[str], rows: list[tuple]) -> None:
    """:func:`app.export.excel.refresh_rows`: what "open and refresh data" does after the query
    (openpyxl edits the workbook, the rows are streamed into the data sheet)."""
    from app.export.excel import WorkbookInfo, refresh_rows
    from app.query.catalog import get_field
    from app.query.target import Target

    target = Target(name="Bench", columns=list(COLUMNS))
    info = WorkbookInfo(target=target, run_at=dt.datetime.now(), today=TODAY, lang="fr")
    refresh_rows(path, [get_field(k) for k in COLUMNS], rows, info)


def child(writer: str, n: int) -> dict:
    """Run one writer on *n* rows in this process; return time and extra memory."""
    from app.query.catalog import get_field

    header = [get_field(k).label("fr") for k in COLUMNS]
    rows = make_rows(n)
    func = {
        "xlsxwriter": write_xlsxwriter,
        "openpyxl": write_openpyxl,
        "cible": write_cible,
        REFRESH: refresh_cible,
    }
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"{writer}.xlsx")
        if writer == REFRESH:
            write_cible(path, header, rows)  # the workbook to refresh (not timed)
        exact = _reset_peak()
        before = _status("VmRSS")
        start = time.perf_counter()
        func[writer](path, header, rows)
        seconds = time.perf_counter() - start
        peak = _status("VmHWM")
        size = os.path.getsize(path)
    return {"seconds": seconds, "extra_mb": (peak - before) / 1024, "exact": exact, "size": size}


def run_child(writer: str, n: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", writer, "--rows", str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def bench_database(n: int) -> tuple[float, float, int]:
    """(query alone, export_target end to end) in seconds on a generated database."""
    from sqlalchemy import insert

    from app.export.excel import export_target
    from app.models import Customer, Vehicle
    from app.models.db import open_database
    from app.models.textfold import fold
    from app.query.engine import iter_rows
    from app.query.target import Target

    rows = make_rows(n)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.sqlite")
        with db.engine.begin() as conn:
            conn.execute(
                insert(Customer),
                [
                    {
                        "id": i + 1,
                        "dms_ref": f"C{i}",
                        "civility": r[0],
                        "last_name": r[1],
                        "last_name_fold": fold(r[1]),
                        "first_name": r[2],
                        "postal_code": r[3],
                        "city": r[4],
                        "phone_mobile": r[5],
                    }
                    for i, r in enumerate(rows)
                ],
            )
            conn.execute(
                insert(Vehicle),
                [
                    {
                        "owner_id": i + 1,
                        "plate": r[6],
                        "brand": r[7],
                        "model": r[8],
                        "first_registration": r[9],
                        "mileage": r[10],
                        "inspection_due_date": r[11],
                    }
                    for i, r in enumerate(rows)
                ],
            )
        del rows
        target = Target(name="Bench", columns=list(COLUMNS))
        with db.engine.connect() as conn:
            start = time.perf_counter()
            count = sum(1 for _ in iter_rows(conn, target, today=TODAY))
            query = time.perf_counter() - start
            start = time.perf_counter()
            result = export_target(conn, target, Path(folder) / "e2e.xlsx", today=TODAY, lang="fr")
            total = time.perf_counter() - start
        db.dispose()
    assert result.rows == count == n
    return query, total, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sizes", default="", help="comma-separated row counts (memory growth)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-db", action="store_true", help="skip the end-to-end database run")
    parser.add_argument("--refresh", action="store_true", help="also time a refresh in place")
    parser.add_argument("--child", choices=(*WRITERS, REFRESH), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s] or [args.rows]
    print(f"Excel export, {len(COLUMNS)} columns, median of {args.repeat} run(s) per writer\n")
    print("| rows | writer | time | extra memory (peak RSS) | file | ratio to the faster plain |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in sizes:
        results: dict[str, list[dict]] = {w: [] for w in WRITERS}
        for _ in range(args.repeat):
            for writer in WRITERS:  # interleaved, so that drift hits every writer alike
                results[writer].append(run_child(writer, n))
        medians = {
            w: {
                "seconds": statistics.median(r["seconds"] for r in rs),
                "extra_mb": statistics.median(r["extra_mb"] for r in rs),
                "size": rs[0]["size"],
            }
            for w, rs in results.items()
        }
        best = min(medians["xlsxwriter"]["seconds"], medians["openpyxl"]["seconds"])
        for writer in WRITERS:
            m = medians[writer]
            print(
                f"| {n:,} | {writer} | {m['seconds']:.2f} s | {m['extra_mb']:+.1f} MB "
                f"| {m['size'] / 1e6:.1f} MB | {m['seconds'] / best:.2f}x |"
            )
        if args.refresh:
            m = run_child(REFRESH, n)
            print(
                f"| {n:,} | {REFRESH} (in place) | {m['seconds']:.2f} s "
                f"| {m['extra_mb']:+.1f} MB | {m['size'] / 1e6:.1f} MB | — |"
            )
    if not args.no_db:
        query, total, count = bench_database(args.rows)
        print(
            f"\nEnd to end on a generated SQLite database ({count:,} rows): query alone "
            f"{query:.2f} s, export_target (query + write) {total:.2f} s."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
