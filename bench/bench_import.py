"""Importing customers, vehicles and workshop invoice lines, against a plain csv + executemany.

    python bench/bench_import.py [--customers 100000] [--vehicles 150000] [--lines 1000000]

Writes four Windows-1252, ``;``-separated extracts (customers, vehicles, invoice lines, and
the customers again with refusal and legal-basis columns, into a database of their own), then
for each, in the same run:

* **baseline**: ``csv.reader`` over the file and ``executemany`` of every row, as text, into a
  table of the same columns through the ``sqlite3`` module, one transaction;
* **import**: :func:`app.dms.load.import_file` into a Cible database (empty, then the same
  file again: unchanged). Its *load* time is the whole call minus the validation's own time
  (``report.timings``: reading, dates, phones, postal codes...), printed apart.

The ratio asked (issue 11) is load / baseline <= 1.5. Peak memory (RSS) is printed at the end.

Each load is also split: *sql* is the time SQLite itself needs for the import's statements
(the writes timed from the cursor's execute to its end; the look-ups replayed with the plain
``sqlite3`` module after the import, rows fetched), the rest is Python. *sql* / baseline is
the floor of the ratio for Cible's tables, however little Python the load did.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from app.dms.fields import FileKind, suggest_mapping  # noqa: E402
from app.dms.load import import_file  # noqa: E402
from app.dms.sniff import sniff  # noqa: E402
from app.models.db import open_database  # noqa: E402

CUSTOMERS = ["N° client", "Site", "Civilité", "Nom", "Prénom", "Adresse 1", "CP", "Ville",
             "Portable", "E-mail"]  # fmt: skip
VEHICLES = ["N° client", "Immat", "VIN", "Marque", "Modèle", "Énergie", "Date 1ère MEC", "Km"]
LINES = ["Site", "N° facture", "Date facture", "N° client", "VIN", "Km", "Type de ligne",
         "Libellé", "Montant HT", "Remise"]  # fmt: skip
NAMES = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND"]
FIRST = ["Jean", "Marie", "Hélène", "Luc", "Anne", "Jérôme", "Paul", "Élodie"]
CITIES = [("37000", "Tours"), ("41000", "Blois"), ("45000", "Orléans"), ("37170", "Chambray")]


def vin(i: int) -> str:
    return f"VF1RJA00X{i:08d}"


def write(path: Path, headers: list[str], rows) -> None:
    with open(path, "w", encoding="cp1252", newline="") as handle:
        handle.write(";".join(headers) + "\r\n")
        for row in rows:
            handle.write(";".join(row) + "\r\n")


def customers(n: int, rng: random.Random):
    for i in range(n):
        cp, city = rng.choice(CITIES)
        yield [str(100000 + i), "TRS", rng.choice(["M.", "Mme"]), rng.choice(NAMES),
               rng.choice(FIRST), f"{rng.randint(1, 99)} rue Nationale", cp, city,
               f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00",
               f"c{i}@example.fr"]  # fmt: skip


#: The customers file again, as a DMS with the CNIL columns exports it: a fifth refuse SMS
#: (with the date), one in twenty refuses post, and every customer's legal basis is given
#: (seven channels each: a basis event per channel).
PERMISSIONS = [*CUSTOMERS, "Refus SMS", "Date refus SMS", "Refus courrier",
               "Marketing legal basis"]  # fmt: skip


def customers_with_permissions(n: int, rng: random.Random):
    for row in customers(n, rng):
        refused = rng.random() < 0.2
        yield [*row, "O" if refused else "N",
               f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024" if refused else "",
               "O" if rng.random() < 0.05 else "N", "Consentement"]  # fmt: skip


def vehicles(n: int, owners: int, rng: random.Random):
    for i in range(n):
        yield [str(100000 + i % owners), f"AA-{i // 1000:03d}-{i % 1000:03d}"[:9], vin(i),
               "RENAULT", rng.choice(["CLIO", "CAPTUR", "MEGANE"]), "Essence",
               f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2010, 2024)}",
               str(rng.randint(1000, 200000))]  # fmt: skip


def lines(n: int, owners: int, cars: int, rng: random.Random):
    done = 0
    number = 0
    while done < n:
        number += 1
        car = rng.randrange(cars)
        head = ["TRS", f"FA{number:08d}",
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2015, 2025)}",
                str(100000 + car % owners), vin(car), str(rng.randint(1000, 200000))]  # fmt: skip
        for _line in range(min(rng.randint(1, 6), n - done)):
            yield [*head, rng.choice(["MO", "PR", "PNEU"]), "Révision",
                   f"{rng.randint(1, 2000)},{rng.randint(0, 99):02d}", "0,00"]  # fmt: skip
            done += 1


def baseline(path: Path, folder: Path, name: str) -> float:
    db = folder / f"plain-{name}.sqlite"
    started = time.perf_counter()
    conn = sqlite3.connect(db)
    with open(path, encoding="cp1252", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        headers = next(reader)
        columns = ", ".join(f"c{i} TEXT" for i in range(len(headers)))
        conn.execute(f"CREATE TABLE t (id INTEGER PRIMARY KEY, {columns})")
        marks = ", ".join("?" * len(headers))
        names = ", ".join(f"c{i}" for i in range(len(headers)))
        with conn:
            conn.executemany(f"INSERT INTO t ({names}) VALUES ({marks})", reader)
    conn.close()
    return time.perf_counter() - started


#: What SQLite itself did in an import (see the module's docstring): the seconds of the
#: writes, and the look-ups (SELECT statements and parameters), replayed after the import.
SQL: dict = {"seconds": 0.0, "selects": []}


def _watch(database) -> None:
    """Time every write from its execute to its end (executemany included); keep the SELECTs,
    whose rows are fetched later, to replay them with the plain sqlite3 module
    (:func:`_replay`)."""

    @event.listens_for(database.engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    @event.listens_for(database.engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - conn.info.pop("bench_started")
        if statement.lstrip().upper().startswith("SELECT"):
            SQL["selects"].append((statement, parameters))
        else:
            SQL["seconds"] += elapsed


def _replay(path: Path) -> float:
    """The seconds sqlite3 takes to run the import's SELECTs and fetch their rows."""
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    for statement, parameters in SQL["selects"]:
        conn.execute(statement, parameters).fetchall()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def timed_import(database, path: Path, kind: FileKind):
    layout = sniff(path)
    mapping = suggest_mapping(list(layout.headers), kind)
    SQL["seconds"], SQL["selects"] = 0.0, []
    started = time.perf_counter()
    result = import_file(database, path, kind, mapping, layout=layout, today=dt.date(2026, 12, 2))
    total = time.perf_counter() - started
    sql = SQL["seconds"] + _replay(Path(database.engine.url.database))
    return result, total, sum(result.report.timings.values()), sql


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--vehicles", type=int, default=150_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        files = [
            ("customers", FileKind.CUSTOMERS, CUSTOMERS, customers(args.customers, rng)),
            ("vehicles", FileKind.VEHICLES, VEHICLES,
             vehicles(args.vehicles, args.customers, rng)),
            ("invoice lines", FileKind.INVOICES, LINES,
             lines(args.lines, args.customers, args.vehicles, rng)),
            # into a database of its own: a first import again
            ("cust.+CNIL", FileKind.CUSTOMERS, PERMISSIONS,
             customers_with_permissions(args.customers, rng)),
        ]  # fmt: skip
        database = open_database(folder / "cible.sqlite")
        _watch(database)
        databases = [database]
        print(f"{'file':<14} {'rows':>9} {'baseline':>9} {'validate':>9} {'load':>8} "
              f"{'ratio':>6} {'(sql)':>7} {'re-import load':>15} {'ratio':>6} {'(sql)':>7}")  # fmt: skip
        for label, kind, headers, rows in files:
            if label == "cust.+CNIL":
                database = open_database(folder / "cible-cnil.sqlite")
                _watch(database)
                databases.append(database)
            path = folder / f"{label}.csv"
            write(path, headers, rows)
            plain = baseline(path, folder, label.replace(" ", "_").replace(".+", "_"))
            first, total, validate, sql = timed_import(database, path, kind)
            again, total2, validate2, sql2 = timed_import(database, path, kind)
            assert (again.new, again.updated) == (0, 0)
            load, load2 = total - validate, total2 - validate2
            print(f"{label:<14} {first.report.rows_read:>9,} {plain:>8.2f}s {validate:>8.2f}s "
                  f"{load:>7.2f}s {load / plain:>5.2f}x {sql / plain:>6.2f}x "
                  f"{load2:>14.2f}s {load2 / plain:>5.2f}x {sql2 / plain:>6.2f}x"
                  f"   (new {first.new:,}, re-import unchanged {again.unchanged:,}; "
                  f"sql {sql:.2f}s, {sql2:.2f}s)")  # fmt: skip
        for database in databases:
            database.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
