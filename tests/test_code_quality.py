"""The architecture and style rules, checked with the tools that own them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True)


def test_only_app_ui_imports_qt() -> None:
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.fail("import-linter is not installed (pip install -e '.[test]')")
    result = _run(exe, "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_clean() -> None:
    result = _run(sys.executable, "-m", "ruff", "check", "app", "tests", "bench", "tools")
    assert result.returncode == 0, result.stdout + result.stderr
