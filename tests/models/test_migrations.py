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
