"""An installed wheel carries the package data the program needs: Qt translations, starter letters,
example extracts, the icon, gettext catalogs, migrations, the guide — and ``app`` finds them there.

The wheel is built from this tree (pip's isolated build: setuptools from PyPI, cached by pip) and
installed into a throwaway virtual environment (which sees
the machine's packages for the dependencies, so nothing is downloaded); the check runs in that
environment's Python, from a folder outside the source tree, so only the installed copy can answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Files of the source tree that must be in the wheel (relative to app/), by pattern.
SHIPPED = [
    "resources/i18n/*_fr.qm",
    "resources/templates/*.docx",
    "resources/examples/*.csv",
    "resources/examples/README.md",
    "resources/icons/cible.png",
    "resources/icons/cible.ico",
    "locale/fr/LC_MESSAGES/cible.mo",
    "models/migrations/versions/*.py",
    "help/*.md",
]

CHECK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import app, app.resources as r
    from app.export.word_templates import RESOURCES
    from app.i18n import _, set_language
    set_language("fr")
    print(json.dumps({
        "app": app.__file__,
        "qm": sorted(p.name for p in r.I18N_DIR.glob("*_fr.qm")),
        "templates": sorted(p.name for p in RESOURCES.glob("*.docx")),
        "examples": sorted(p.name for p in r.EXAMPLES_DIR.iterdir()),
        "icon": r.ICON_ICO.is_file() and r.ICON_PNG.is_file(),
        "french": _("commands:"),
    }))
    """
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True, cwd=out,
    )  # fmt: skip
    (built,) = out.glob("cible-*.whl")
    return built


def test_the_wheel_has_the_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for pattern in SHIPPED:
        expected = {
            f"app/{p.relative_to(ROOT / 'app').as_posix()}" for p in (ROOT / "app").glob(pattern)
        }
        assert expected, pattern
        assert expected <= names, sorted(expected - names)


def test_an_installed_wheel_finds_its_resources(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         "--no-index", str(wheel)],
        check=True, cwd=tmp_path, env=environ,
    )  # fmt: skip
    run = subprocess.run(
        [str(python), "-c", CHECK], capture_output=True, text=True, cwd=tmp_path, env=environ
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert Path(found["app"]).is_relative_to(env_dir), found["app"]  # the installed copy
    assert found["qm"] == sorted(p.name for p in (ROOT / "app/resources/i18n").glob("*_fr.qm"))
    assert found["templates"] == sorted(
        p.name for p in (ROOT / "app/resources/templates").glob("*.docx")
    )
    assert "clients_irium.csv" in found["examples"]
    assert found["icon"] is True
    assert found["french"] == "commandes :"
