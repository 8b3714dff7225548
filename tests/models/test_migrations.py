"""Migrations: empty → head → base and back, and the migrated schema equals the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.models.base import Base
from app.models.db import alembic_config, head_revision, make_engine, sqlite_url


def test_upgrade_empty_to_head_then_down_to_base_and_up_again(tmp_path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "m.sqlite"))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == (head_revision(),)
        assert {"customer", "vehicle", "workshop_invoice"} <= set(inspect(conn).get_table_names())
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    engine.dispose()


def test_migrated_schema_matches_the_models(database) -> None:
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_a_failing_migration_leaves_no_half_schema(tmp_path, monkeypatch) -> None:
    """DDL is transactional: a migration that fails half-way changes nothing."""
    from alembic.operations import Operations

    engine = make_engine(sqlite_url(tmp_path / "half.sqlite"))
    original = Operations.create_table
    calls = {"n": 0}

    def failing_create_table(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("power cut")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Operations, "create_table", failing_create_table)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
    except RuntimeError:
        pass
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == []
    engine.dispose()
