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
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
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


def test_0006_turns_the_customers_permissions_into_history(tmp_path) -> None:
    """Refusals and the marketing basis of a database at 0005 become history rows (the columns
    stay as the current state); an unknown-address vehicle marks its owner."""
    from sqlalchemy import text

    engine = make_engine(sqlite_url(tmp_path / "m5.sqlite"))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0005")
        conn.execute(
            text(
                "INSERT INTO customer (id, dms_ref, is_company, is_fleet, country, language,"
                " optout_post, optout_post_date, optout_post_source, optout_phone_home,"
                " optout_phone_work, optout_phone_mobile, optout_sms, optout_sms_date,"
                " optout_fax, optout_email, marketing_basis, marketing_basis_date,"
                " marketing_basis_source, created_at, updated_at) VALUES"
                " (1, 'A', 0, 0, 'FR', 'fr', 1, '2024-03-01', 'DMS', 0, 0, 0, 1, NULL, 0, 0,"
                "  'consent', '2023-01-01', 'Formulaire', '2020-01-01', '2020-01-01'),"
                " (2, 'B', 0, 0, 'FR', 'fr', 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0,"
                "  'none', NULL, NULL, '2020-01-01', '2020-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO vehicle (id, owner_id, category, is_demo, status, created_at) VALUES"
                " (1, 2, 'VP', 0, 'unknown_address', '2020-01-01'),"
                " (2, 1, 'VP', 0, 'in_use', '2020-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO workshop_invoice (id, number, date, customer_id, total_cents,"
                " discount_cents) VALUES (1, 'F1', '2025-01-01', 1, 100, 0)"
            )
        )
        command.upgrade(alembic_config(conn), "head")
    with engine.connect() as conn:
        events = conn.execute(
            text(
                "SELECT customer_id, channel, kind, basis, event_date, source FROM permission_event"
                " WHERE kind = 'refusal' ORDER BY channel"
            )
        ).all()
        assert [tuple(map(str, e)) for e in events] == [
            ("1", "post", "refusal", "None", "2024-03-01", "DMS"),
            ("1", "sms", "refusal", "None", "None", "Cible (before history)"),
        ]
        bases = conn.execute(
            text(
                "SELECT customer_id, basis, event_date, source FROM permission_event WHERE kind = 'basis'"
            )
        ).all()
        assert len(bases) == 7 and {tuple(map(str, b)) for b in bases} == {
            ("1", "consent", "2023-01-01", "Formulaire")
        }
        flags = dict(conn.execute(text("SELECT id, unknown_address FROM customer")).all())
        assert flags == {1: 0, 2: 1}
        assert (
            conn.execute(text("SELECT status FROM vehicle WHERE id = 1")).scalar()
            == "unknown_address"
        )
        assert (
            conn.execute(text("SELECT invoice_type FROM workshop_invoice")).scalar() == "customer"
        )
        assert conn.execute(text("SELECT optout_post FROM customer WHERE id = 1")).scalar() == 1
    engine.dispose()
