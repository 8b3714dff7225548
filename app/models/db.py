"""Where the data lives and how it is opened.

The embedded default is one SQLite file in the user's data folder, in WAL mode with foreign keys
enforced. ``--db PATH`` or ``CIBLE_DATABASE_URL`` (any SQLAlchemy URL) choose another. Opening a
database checks it, and upgrades an older schema after a backup made with SQLite's online backup
API. Every problem is raised as :class:`~app.errors.DatabaseError` with a message for the user;
nothing is overwritten or deleted.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from app import files
from app.errors import DatabaseError
from app.i18n import _
from app.models.textfold import register_sqlite_functions

APP_NAME = "Cible"
ENV_URL = "CIBLE_DATABASE_URL"
SQLITE_MAGIC = b"SQLite format 3\x00"
_MIGRATIONS = Path(__file__).with_name("migrations")
_NETWORK_FS = {
    "cifs",
    "smb3",
    "smbfs",
    "nfs",
    "nfs4",
    "afpfs",
    "9p",
    "fuse.sshfs",
    "davfs",
    "ncpfs",
}


def data_dir() -> Path:
    """The user's data folder for Cible (created on demand by callers)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "cible.sqlite"


def demo_db_path() -> Path:
    """The demo database lives apart from the real one."""
    return data_dir() / "demo" / "cible-demo.sqlite"


def resolve_url(
    db: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> URL:
    """``--db`` (a path or a URL) wins over ``CIBLE_DATABASE_URL``, which wins over the default."""
    environ = os.environ if environ is None else environ
    raw = os.fspath(db) if db is not None else environ.get(ENV_URL) or None
    if raw is None:
        return sqlite_url(default_db_path())
    if "://" in raw:
        try:
            return make_url(raw)
        except sa_exc.ArgumentError as error:
            raise DatabaseError(
                _("Invalid database URL {raw!r}: {error}").format(raw=raw, error=error)
            ) from None
    return sqlite_url(Path(raw))


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite+pysqlite", database=str(Path(path).expanduser().absolute()))


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL; ``None`` for other databases and in-memory SQLite."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def is_network_path(path: Path) -> bool:
    """True when *path* is on a network share (UNC path, mapped drive, SMB/NFS mount)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(text))[0]
        if drive:
            return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4  # DRIVE_REMOTE
        return False
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    best, best_fs = "", ""
    resolved = str(Path(text).resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (resolved == point or resolved.startswith(point.rstrip("/") + "/")) and len(point) > len(
            best
        ):
            best, best_fs = point, parts[2]
    return best_fs in _NETWORK_FS


def _on_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _on_begin),
    # so that DDL (migrations) is transactional too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # FULL: a committed send-log or permission change survives a power cut (COMPLIANCE.md §5).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
    register_sqlite_functions(dbapi_connection)


def _on_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(url: URL | str) -> Engine:
    """An engine with Cible's connection settings (foreign keys, real transactions on SQLite).

    WAL mode is persistent in the file: :func:`open_database` switches a checked database to it.
    """
    url = make_url(url) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


@dataclass
class Database:
    """An open, checked, up-to-date database."""

    url: URL
    engine: Engine
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)
    backup: Path | None = None

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def location(self) -> str:
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _check_sqlite_file(path: Path, create: bool) -> None:
    where = str(path)
    if path.exists():
        if path.is_dir():
            raise DatabaseError(_("{where} is a folder, not a database file.").format(where=where))
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_MAGIC))
        except PermissionError:
            raise DatabaseError(
                _("Cannot read {where}: permission denied.").format(where=where)
            ) from None
        except OSError as error:
            raise DatabaseError(
                _("Cannot read {where}: {detail}.").format(
                    where=where, detail=error.strerror or error
                )
            ) from None
        if header and header != SQLITE_MAGIC:
            raise DatabaseError(
                _("{where} is not a Cible database (it is not a SQLite file).").format(where=where)
            )
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise DatabaseError(
                _(
                    "{where} is read-only: Cible needs to write to the database and to its folder."
                ).format(where=where)
            )
        return
    if not create:
        raise DatabaseError(_("No database at {where}.").format(where=where))
    parent = path.parent
    if not parent.exists():
        try:
            parent.mkdir(parents=True)
        except OSError as error:
            raise DatabaseError(
                _("Cannot create the folder {parent}: {detail}.").format(
                    parent=parent, detail=error.strerror or error
                )
            ) from None
    if not os.access(parent, os.W_OK):
        raise DatabaseError(
            _("Cannot create a database in {parent}: the folder is read-only.").format(
                parent=parent
            )
        )


def backup_sqlite(path: Path, stamp: dt.datetime | None = None) -> Path:
    """Copy *path* next to itself with SQLite's online backup API; return the copy's path.

    The copy is written under a temporary name (:mod:`app.files`) and renamed once complete, so
    a file named like a backup always is one; leftovers of an interrupted backup (the temporary
    file and its ``-journal``) are removed first. The copy gets the database's permissions.
    """
    stamp = stamp or dt.datetime.now()
    files.clean_leftovers(path.parent)
    target = path.with_name(f"{path.stem}.backup-{stamp:%Y%m%d-%H%M%S}{path.suffix or '.sqlite'}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(
            f"{path.stem}.backup-{stamp:%Y%m%d-%H%M%S}-{n}{path.suffix or '.sqlite'}"
        )
    with files.atomic_path(target, permissions=files.file_mode(path)) as tmp:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(tmp)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
    return target


def open_database(
    db: str | os.PathLike[str] | URL | None = None,
    *,
    create: bool = True,
    upgrade: bool = True,
) -> Database:
    """Open the database named by *db* or the environment.

    The window, ``demo`` and ``import`` create a missing database (*create*); commands that write
    and run unattended upgrade an older one, after a backup (*upgrade*). With ``upgrade=False``
    (the commands that only read: run-target, export-excel, merge-word, dry runs) nothing about
    the file changes: an empty file or an older schema is refused with a message saying what to do.
    """
    url = db if isinstance(db, URL) else resolve_url(db)
    path = sqlite_path(url)
    warnings: list[str] = []
    if path is not None:
        _check_sqlite_file(path, create)
        if not upgrade and path.exists() and path.stat().st_size == 0:
            raise DatabaseError(
                _("{where} is empty: it is not a Cible database.").format(where=path)
            )
        if is_network_path(path):
            warnings.append(
                _(
                    "{path} is on a network share. SQLite is not safe there: several PCs writing"
                    " to it can corrupt it. A dealer group should use a shared PostgreSQL server."
                ).format(path=path)
            )
    engine = make_engine(url)
    database = Database(url=url, engine=engine, path=path, warnings=warnings)
    try:
        _prepare(database, upgrade=upgrade)
    except DatabaseError:
        engine.dispose()
        raise
    except (sa_exc.DBAPIError, sqlite3.DatabaseError) as error:
        engine.dispose()
        raise DatabaseError(_describe_db_error(database, error)) from None
    return database


def _describe_db_error(database: Database, error: Exception) -> str:
    detail = str(getattr(error, "orig", None) or error).strip()
    where = database.location
    lowered = detail.lower()
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        message = _("{where} is damaged and cannot be read ({detail}). Restore it from a backup.")
    elif "readonly" in lowered or "read-only" in lowered:
        message = _("{where} is read-only: Cible needs to write to it ({detail}).")
    elif "unable to open" in lowered:
        message = _("Cannot open {where} ({detail}).")
    elif "locked" in lowered:
        message = _("{where} is locked by another program; close it and try again ({detail}).")
    else:
        return _("Cannot use the database {location}: {detail}").format(
            location=where, detail=detail
        )
    return message.format(where=where, detail=detail)


def _prepare(database: Database, *, upgrade: bool) -> None:
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    engine = database.engine
    # Look before touching anything: a file that is not ours must stay byte-identical.
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
        tables = set(inspect(conn).get_table_names())
    known = known_revisions()
    head = head_revision()
    unknown = [rev for rev in current if rev not in known]
    if unknown:
        raise DatabaseError(
            _(
                "{location} was made by a newer version of Cible (schema {unknown}). Update Cible to open it."
            ).format(location=database.location, unknown=unknown[0])
        )
    if not current and tables - {"alembic_version"}:
        raise DatabaseError(
            _("{location} is not a Cible database (it holds other tables: {values}).").format(
                location=database.location, values=", ".join(sorted(tables)[:5])
            )
        )
    if not upgrade:
        if not current:
            raise DatabaseError(
                _("{where} is empty: it is not a Cible database.").format(where=database.location)
            )
        if current != (head,):
            raise DatabaseError(
                _(
                    "{where} is an older Cible database: open it in Cible once to upgrade it"
                    " (this command only reads it)."
                ).format(where=database.location)
            )
        return
    if database.path is not None:
        raw = engine.raw_connection()
        try:  # outside any transaction, as SQLite requires
            mode = raw.driver_connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        finally:
            raw.close()
        if str(mode).lower() != "wal":
            database.warnings.append(
                _("{path}: WAL mode unavailable (journal mode {mode}).").format(
                    path=database.path, mode=mode
                )
            )
    if current == (head,):
        return
    if current and database.path is not None:
        database.backup = backup_sqlite(database.path)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
