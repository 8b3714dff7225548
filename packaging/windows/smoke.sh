#!/usr/bin/env bash
# Smoke test of the Windows installer under Wine (run by .ci/run; by hand: bash packaging/windows/smoke.sh).
#
# Builds dist/Cible-Setup-<version>.exe, installs it silently (/S, per user) into a throwaway
# 64-bit Wine prefix, then with the installed program:
#   cible-cli.exe demo / run-target (.cible file → CSV) / export-excel, checked by reading the files;
#   an older database upgraded by cible-cli.exe import, with its backup next to it;
#   python\python.exe -m app (the window, on Xvfb, Qt's native "windows" platform) until the
#   demo target is counted (the time to the window is printed: bench/README.md);
#   cible.exe (the GUI launcher) kept open a few seconds;
#   the uninstaller (/S): the program goes, the databases and backups stay.
# Any failure stops the script with a message (set -e). Downloads are cached in ~/.cache/cible-build.
#
# Wine 8 lacks Windows' own icuuc.dll, which Qt 6 imports: a test-only stand-in
# (test/icuuc_stub.c) is put into the prefix's system32. Never shipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
START=$SECONDS
say() { echo "[smoke $((SECONDS - START))s] $*"; }
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

CACHE=${CIBLE_BUILD_CACHE:-${HOME:-/root}/.cache/cible-build}
mkdir -p "$CACHE"
WORK=$(mktemp -d "$CACHE/smoke.XXXXXX")   # removed at the end (not in /tmp: shared machines clean it)
export WINEPREFIX="$WORK/prefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
XVFB_PID=""
cleanup() {
  wineserver -k >/dev/null 2>&1 || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# zlib, not the release's LZMA: 5× faster to build here, and a bigger file, so the size limit
# checked on it holds for the release build too
python3 packaging/windows/build.py --compressor zlib --out "$WORK/dist" --build "$WORK/build"
VERSION=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
SETUP="$WORK/dist/Cible-Setup-$VERSION.exe"
SIZE_MB=$(( $(stat -c %s "$SETUP") / 1000000 ))
say "installer (zlib): $SIZE_MB MB"
(( SIZE_MB < 120 )) || fail "the installer is $SIZE_MB MB (limit 120 MB)"
# a virtual screen for Wine's windows (and Qt's)
for n in $(seq 90 130); do [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { DISPLAY_NUM=$n; break; }; done
Xvfb ":$DISPLAY_NUM" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
export DISPLAY=":$DISPLAY_NUM"
say "Wine prefix $WINEPREFIX"
timeout 180 wineboot -i </dev/null >/dev/null 2>&1 || fail "wineboot could not make the prefix"
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$WINEPREFIX/drive_c/windows/system32/icuuc.dll" packaging/windows/test/icuuc_stub.c

# a Windows program, bounded in time; under Wine, Python's standard streams must be pipes (a
# file gives "init_sys_streams: invalid handle"), hence "| cat"
w() { timeout "$1" wine "${@:2}" </dev/null 2>&1 | cat; return "${PIPESTATUS[0]}"; }
winpath() { echo "Z:${1//\//\\}"; }

say "silent install (per user)"
w 300 "$SETUP" /S || fail "the installer exited with $?"
WUSER=${USER:-$(id -un)}
LOCAL="$WINEPREFIX/drive_c/users/$WUSER/AppData/Local"
INST="$LOCAL/Programs/Cible"
for f in cible.exe cible-cli.exe uninstall.exe python/python.exe python/python311._pth \
         lib/app/resources/i18n/core_fr.qm lib/app/resources/templates lib/app/resources/examples \
         lib/app/resources/icons/cible.ico lib/app/locale/fr/LC_MESSAGES/cible.mo; do
  [ -e "$INST/$f" ] || fail "not installed: $f"
done
STARTMENU="$WINEPREFIX/drive_c/users/$WUSER/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Cible"
[ -e "$STARTMENU/Cible.lnk" ] || fail "no Start-menu shortcut"
w 60 reg query 'HKCU\Software\Classes\Cible.Target\shell\open\command' | grep -q 'cible.exe' \
  || fail ".cible files are not associated with cible.exe"

CLI="$INST/cible-cli.exe"
DATA="$WORK/data"; mkdir -p "$DATA"
DB=$(winpath "$DATA/demo.sqlite")
say "cible-cli.exe demo"
w 300 "$CLI" demo --db "$DB" --customers 300 --seed 3 || fail "demo exited with $?"
[ -s "$DATA/demo.sqlite" ] || fail "demo wrote no database"
cat > "$DATA/relance.cible" <<'JSON'
{"format": "cible-target", "version": 2, "name": "Relance", "grain": "vehicle",
 "columns": ["customer.last_name", "customer.city", "vehicle.plate", "vehicle.model"],
 "criteria": {"group": "all", "children": [{"field": "vehicle.model", "op": "like", "values": ["%"]}]}}
JSON
say "cible-cli.exe run-target (.cible → CSV)"
w 300 "$CLI" run-target "$(winpath "$DATA/relance.cible")" --db "$DB" --out "$(winpath "$DATA/rows.csv")" --lang fr \
  > "$WORK/run-target.out" || { cat "$WORK/run-target.out"; fail "run-target exited with $?"; }
cat "$WORK/run-target.out"
grep -q "lignes écrites" "$WORK/run-target.out" || fail "cible-cli.exe's output is not UTF-8"
say "cible-cli.exe export-excel"
w 300 "$CLI" export-excel "$(winpath "$DATA/relance.cible")" --db "$DB" --out "$(winpath "$DATA/rows.xlsx")" \
  || fail "export-excel exited with $?"
python3 - "$DATA" <<'PY' || fail "the files written under Wine are not right"
import csv, sys
from pathlib import Path
from openpyxl import load_workbook
data = Path(sys.argv[1])
rows = list(csv.reader((data / "rows.csv").open(encoding="utf-8-sig"), delimiter=";"))
assert len(rows) > 100, len(rows)
sheet = load_workbook(data / "rows.xlsx", read_only=True).worksheets[0]
assert sheet.max_row > 100, sheet.max_row
print(f"rows.csv: {len(rows) - 1} rows; rows.xlsx: {sheet.max_row - 1} rows")
PY

say "an older database is upgraded, with a backup"
cp "$DATA/demo.sqlite" "$DATA/old.sqlite"
OLD=$(python3 - "$DATA/old.sqlite" <<'PY'
import sys
from alembic import command
from alembic.script import ScriptDirectory
from app.models.db import alembic_config, make_engine, sqlite_url
config = alembic_config()
head = ScriptDirectory.from_config(config).get_current_head()
previous = ScriptDirectory.from_config(config).get_revision(head).down_revision
engine = make_engine(sqlite_url(sys.argv[1]))
with engine.begin() as conn:
    config.attributes["connection"] = conn
    command.downgrade(config, previous)
print(previous)
PY
)
w 300 "$CLI" import "$(winpath "$INST/lib/app/resources/examples/clients_irium.csv")" --db "$(winpath "$DATA/old.sqlite")" \
  && code=0 || code=$?
[ "$code" = 0 ] || [ "$code" = 3 ] || fail "import on an older database exited with $code"
ls "$DATA"/old.backup-*.sqlite >/dev/null 2>&1 || fail "no backup next to the upgraded database"
python3 - "$DATA/old.sqlite" "$OLD" <<'PY' || fail "the database was not upgraded"
import sqlite3, sys
rev = sqlite3.connect(sys.argv[1]).execute("select version_num from alembic_version").fetchone()[0]
assert rev != sys.argv[2], rev
print(f"upgraded from {sys.argv[2]} to {rev}")
PY

say "the window (installed python.exe -m app, Qt's windows platform on Xvfb)"
PY_EXE="$INST/python/python.exe"
T0=$(date +%s.%N)
(set +e; CIBLE_STARTUP_PROBE=1 w 300 "$PY_EXE" -m app --db "$DB" --lang fr 2>"$WORK/window.err"; echo "exit=$?") | cat > "$WORK/window.out"
grep -q "^exit=0" "$WORK/window.out" || { tail -20 "$WORK/window.out" "$WORK/window.err" >&2; fail "the window did not start ($(tail -1 "$WORK/window.out"))"; }
T1=$(date +%s.%N)
grep -q first-paint "$WORK/window.out" && grep -q target-shown "$WORK/window.out" \
  || { cat "$WORK/window.out" "$WORK/window.err" >&2; fail "the window was not shown"; }
say "window: target counted $(python3 -c "print(f'{$T1 - $T0:.1f}')") s after start (Wine, indication only)"
say "cible.exe (GUI launcher) kept open 8 s"
set +e
timeout 8 wine "$INST/cible.exe" --db "$DB" </dev/null >/dev/null 2>&1
code=$?
set -e
[ "$code" = 124 ] || fail "cible.exe ended by itself within 8 s (exit $code)"
wineserver -k >/dev/null 2>&1 || true

say "silent uninstall: the program goes, the data stays"
w 120 "$INST/uninstall.exe" /S || fail "the uninstaller exited with $?"
for _ in $(seq 1 30); do [ -e "$INST/cible.exe" ] || break; sleep 1; done   # it runs from a copy in %TEMP%
[ ! -e "$INST/cible.exe" ] && [ ! -e "$INST/lib" ] || fail "the uninstaller left the program"
[ -s "$DATA/demo.sqlite" ] && ls "$DATA"/old.backup-*.sqlite >/dev/null || fail "the uninstaller touched the data"
if w 60 reg query 'HKCU\Software\Classes\Cible.Target' >/dev/null 2>&1; then fail "the association is still there"; fi
say "passed"
echo "Windows smoke test: passed in $((SECONDS - START)) s"
