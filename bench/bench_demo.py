"""Demo data: how long ``generate_demo`` takes for 10,000 and 100,000 customers.

    python bench/bench_demo.py [--customers 10000 100000] [--repeat 1] [--folder DIR]

Each run writes a new SQLite file (in a temporary folder unless ``--folder``), the way
``python -m app demo`` does, and prints the wall-clock time, the CPU time of this process (the
two differ when other jobs share the machine) and the rows written. The goal (issue 2): 10,000
customers in a few seconds, 100,000 in under a minute on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from app.models.db import open_database
from app.models.demo import generate_demo, summary

TODAY = dt.date(2026, 11, 23)


def run(folder: Path, customers: int, index: int) -> tuple[float, float, dict[str, int]]:
    path = folder / f"demo-{customers}-{index}.sqlite"
    database = open_database(path)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        generate_demo(database, customers, seed=1, today=TODAY)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        counts = summary(database)
    finally:
        database.dispose()
    for candidate in folder.glob(path.name + "*"):
        candidate.unlink()
    return wall, cpu, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--folder", type=Path, help="where to write the files (default: temp)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        folder = Path(tmp)
        print("| customers | rows written | wall (median) | CPU (median) | rows/s (CPU) |")
        print("|---|---|---|---|---|")
        for customers in args.customers:
            walls, cpus = [], []
            counts: dict[str, int] = {}
            for index in range(args.repeat):
                wall, cpu, counts = run(folder, customers, index)
                walls.append(wall)
                cpus.append(cpu)
            rows = sum(counts.values())
            cpu = statistics.median(cpus)
            print(
                f"| {customers:,} | {rows:,} | {statistics.median(walls):.1f} s | {cpu:.1f} s "
                f"| {rows / cpu:,.0f} |",
                flush=True,
            )
            print("    " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))


if __name__ == "__main__":
    main()
