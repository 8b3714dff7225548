"""Start-up: from launching ``python -m app`` to the window's first paint (issue 10, point 15).

    python bench/bench_startup.py [--db FILE] [--repeat 5] [--platform offscreen|xcb]

Each run starts a new ``python -m app --db FILE --lang fr`` with ``CIBLE_STARTUP_PROBE=1``: the
window prints ``first-paint`` when Qt paints it for the first time, and ``target-shown`` when
the database is open and the last target's count is on screen, then quits. The times are from
the launch of the process (as a user double-clicking would see them); the median of the runs
is printed. Without ``--db`` a 5,000-customer demo database is made in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(db: Path, platform: str) -> dict[str, float]:
    env = dict(os.environ, CIBLE_STARTUP_PROBE="1", QT_QPA_PLATFORM=platform)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--db", str(db), "--lang", "fr"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    times: dict[str, float] = {}
    assert process.stdout is not None
    for line in process.stdout:
        word = line.strip()
        if word in ("first-paint", "target-shown"):
            times[word] = time.perf_counter() - started
    process.wait(60)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--platform", default="offscreen")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            db = Path(folder) / "demo.sqlite"
            subprocess.run(
                [sys.executable, "-m", "app", "demo", "--db", str(db), "--customers", "5000",
                 "--seed", "1", "--today", "2026-11-23"],
                cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        one_run(db, args.platform)  # warm the file cache: the runs below are "warm" starts
        runs = [one_run(db, args.platform) for _ in range(args.repeat)]
    for key in ("first-paint", "target-shown"):
        values = [r[key] for r in runs if key in r]
        if values:
            shown = ", ".join(f"{v:.2f}" for v in values)
            print(f"{key:13} median {statistics.median(values):.2f} s  ({shown})")


if __name__ == "__main__":
    main()
