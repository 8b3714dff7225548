"""Reading and normalising workshop invoice lines from a CSV, against a plain ``csv`` read.

    python bench/bench_dms_read.py [--lines 1000000]

Writes a Windows-1252, ``;``-separated file of invoice lines (header repeated on each line,
dates, amounts ``1 234,50``, postal codes and phones that repeat, as DMS extracts do), then
times (1) ``csv.reader`` over it, (2) :class:`app.dms.validate.Validation` (reading, parsing,
checks), and prints the ratio, the split of (2) by category and the peak memory of (2).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.dms.fields import FileKind, suggest_mapping  # noqa: E402
from app.dms.sniff import sniff  # noqa: E402
from app.dms.validate import Validation  # noqa: E402

HEADERS = ["Site", "N° facture", "Date facture", "N° client", "CP", "Portable", "VIN", "Km",
           "Type de ligne", "Libellé", "Montant HT", "Remise"]  # fmt: skip


def write(path: Path, lines: int) -> None:
    rng = random.Random(1)
    cps = [f"{rng.randint(1000, 95999):05d}" for _ in range(2000)]
    with open(path, "w", encoding="cp1252", newline="") as handle:
        handle.write(";".join(HEADERS) + "\r\n")
        number = 0
        while number < lines:
            invoice = f"FA{number:08d}"
            day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2015, 2025)}"
            customer = rng.randint(100000, 199999)
            phone = f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00"
            vin = f"VF1RJA00X{rng.randint(10**7, 10**8 - 1)}"
            for _line in range(rng.randint(1, 6)):
                amount = f"{rng.randint(1, 2000)},{rng.randint(0, 99):02d}"
                handle.write(";".join([
                    "TRS", invoice, day, str(customer), rng.choice(cps), phone, vin,
                    str(rng.randint(1000, 200000)), rng.choice(["MO", "PR", "Pneus", "K+L"]),
                    "Révision", amount, "0,00",
                ]) + "\r\n")  # fmt: skip
                number += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "factures.csv"
        write(path, args.lines)
        size = path.stat().st_size
        started = time.perf_counter()
        with open(path, encoding="cp1252", newline="") as handle:
            plain = sum(1 for _row in csv.reader(handle, delimiter=";"))
        plain_time = time.perf_counter() - started

        layout = sniff(path)
        mapping = suggest_mapping(list(layout.headers), FileKind.INVOICES)
        started = time.perf_counter()
        validation = Validation(path, layout, mapping, FileKind.INVOICES)
        accepted = sum(1 for _row in validation.rows())
        dms_time = time.perf_counter() - started
        report = validation.report
        tracemalloc.start()  # a second, shorter run: tracing slows everything down
        small = Validation(path, layout, mapping, FileKind.INVOICES)
        for _index, _row in zip(range(200_000), small.rows(), strict=False):
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"{args.lines:,} lines, {size / 1e6:.0f} MB")
    print(f"csv.reader:       {plain_time:7.2f} s ({plain - 1:,} rows)")
    print(
        f"app.dms validate: {dms_time:7.2f} s ({accepted:,} accepted, {report.rejected:,} rejected)"
    )
    print(f"ratio:            {dms_time / plain_time:7.1f}x")
    for name, seconds in report.timings.items():
        print(f"  {name:<14} {seconds:7.2f} s")
    print(f"peak traced memory over the first 200,000 rows: {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
