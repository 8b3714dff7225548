"""Duplicate detection on a large demo database: how long ``find_duplicates`` takes.

    python bench/bench_dedupe.py [--db FILE] [--customers 100000] [--repeat 3]

Without ``--db`` it makes (once, in a temporary folder) a demo database of ``--customers``
customers the way ``python -m app demo`` does (100,000 take 1 to 2.5 minutes). It then times
the whole detection (reading the customers and vehicles, blocking, RapidFuzz on the name
blocks, scoring) ``--repeat`` times, wall clock and CPU of this process, with the time of each
step of the best run, the pairs found at the default threshold and by score; then one merge of
the best pair and its undo, in a transaction rolled back at the end (the file is not changed).
The goal (issue 11): under 30 s for 100,000 customers on a 2-core machine.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import tempfile
import time
from pathlib import Path

from app.dedupe.detect import find_duplicates
from app.dedupe.merge import merge_customers, undo_merge
from app.models.db import open_database
from app.models.demo import generate_demo

TODAY = dt.date(2026, 11, 23)


def detect(database) -> tuple[float, float, list[tuple[str, float]], list]:
    steps: list[tuple[str, float]] = []
    started = time.perf_counter()

    def progress(done: int, total: int, text: str) -> None:
        steps.append((text, time.perf_counter() - started))

    wall, cpu = time.perf_counter(), time.process_time()
    with database.engine.connect() as conn:
        found = find_duplicates(conn, progress=progress, lang="en")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, steps, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing Cible database (default: a demo)")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db
        if path is None:
            path = Path(tmp) / "demo.sqlite"
            database = open_database(path)
            started = time.perf_counter()
            generate_demo(database, args.customers, seed=1, today=TODAY)
            print(f"demo database of {args.customers:,} customers made in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        else:
            database = open_database(path, create=False)
        try:
            runs = [detect(database) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r[0])
            wall, cpu, steps, found = best
            print(f"walls: {', '.join(f'{r[0]:.1f} s' for r in runs)}; best {wall:.1f} s "
                  f"(CPU {cpu:.1f} s)")  # fmt: skip
            previous = 0.0
            for (text, at), (_next_text, next_at) in zip(steps, steps[1:], strict=False):
                print(f"  {text:<28} {next_at - at:6.2f} s")
                previous = next_at
            print(f"  total                        {previous:6.2f} s")
            scores = collections.Counter(min(c.score // 10 * 10, 90) for c in found)
            print(f"pairs at the default threshold: {len(found):,}; by score: "
                  + ", ".join(f"{k}+: {scores[k]:,}" for k in sorted(scores, reverse=True)))
            reasons = collections.Counter(r.code for c in found for r in c.reasons)
            print("reasons: " + ", ".join(f"{k} {n:,}" for k, n in reasons.most_common()))
            if found:
                pair = found[0]
                with database.sessions() as session:
                    t = time.perf_counter()
                    merge_id = merge_customers(session, pair.a_id, pair.b_id, today=TODAY)
                    merged = time.perf_counter() - t
                    t = time.perf_counter()
                    undo_merge(session, merge_id)
                    undone = time.perf_counter() - t
                    session.rollback()
                print(f"merge of the best pair: {merged * 1000:.0f} ms; undo: "
                      f"{undone * 1000:.0f} ms (rolled back)")  # fmt: skip
        finally:
            database.dispose()


if __name__ == "__main__":
    main()
