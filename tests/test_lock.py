"""packaging/lock.py --check: pyproject.toml and the lock files agree, and a dependency added to
pyproject.toml without running the lock command is caught (what .ci/run stops on)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_tool(root: Path):
    spec = importlib.util.spec_from_file_location("cible_lock_tool", ROOT / "packaging" / "lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.ROOT = root
    module.LOCK = root / "packaging" / "requirements.lock"
    module.WINDOWS = root / "packaging" / "windows" / "requirements-windows.txt"
    return module


def copy_tree(tmp_path: Path) -> Path:
    (tmp_path / "packaging" / "windows").mkdir(parents=True)
    for name in (
        "pyproject.toml",
        "packaging/requirements.lock",
        "packaging/windows/requirements-windows.txt",
    ):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_lock_files_match_pyproject() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "packaging" / "lock.py"), "--check"],
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "match pyproject.toml" in run.stdout


def test_a_dependency_missing_from_the_lock_is_named(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            '"platformdirs>=4.0",', '"platformdirs>=4.0",\n    "tabulate>=0.9",'
        )
    )
    problems = load_tool(root).check()
    assert "tabulate (Linux) is in pyproject.toml but not in requirements.lock" in problems
    assert any("tabulate is missing from requirements-windows.txt" in p for p in problems)


def test_a_pin_outside_the_requirement_is_named(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"platformdirs>=4.0"', '"platformdirs>=99"'))
    problems = load_tool(root).check()
    (pinned,) = [
        x
        for x in (root / "packaging/requirements.lock").read_text().splitlines()
        if x.startswith("platformdirs==")
    ]
    PLATFORMDIRS = pinned.split("==")[1].split()[0]  # noqa: N806
    assert (
        f"platformdirs (Windows): requirements.lock pins {PLATFORMDIRS}, pyproject.toml asks >=99"
        in problems
    )


def test_windows_list_with_another_version_is_named(tmp_path: Path) -> None:
    root = copy_tree(tmp_path)
    windows = root / "packaging" / "windows" / "requirements-windows.txt"
    text = windows.read_text()
    line = next(x for x in text.splitlines() if x.startswith("platformdirs=="))
    windows.write_text(text.replace(line, "platformdirs==1.0.0 \\"))
    problems = load_tool(root).check()
    assert any("pins platformdirs 1.0.0" in p for p in problems), problems
