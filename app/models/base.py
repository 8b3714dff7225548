"""Declarative base, shared column types and naming conventions for the ORM."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from sqlalchemy import Date, DateTime, Enum, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class LenientDate(TypeDecorator):
    """A date column that reads an impossible stored date (``1900-02-29``, as a file written by
    another program can bring into SQLite) as no date, instead of stopping the whole query.

    PostgreSQL never holds such a value; the import validates dates before writing them.
    """

    impl = Date
    cache_ok = True

    def result_processor(self, dialect, coltype):  # type: ignore[no-untyped-def]
        inner = super().result_processor(dialect, coltype)
        if inner is None:
            return None

        def process(value: object) -> dt.date | None:
            try:
                return inner(value)
            except ValueError:
                return None

        return process


# Shared column types (as in Warehouse's utils/db/types.py).
intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
str20 = Annotated[str, mapped_column(String(20))]
str40 = Annotated[str, mapped_column(String(40))]
str80 = Annotated[str, mapped_column(String(80))]
str200 = Annotated[str, mapped_column(String(200))]
text = Annotated[str, mapped_column(Text)]
date = Annotated[dt.date, mapped_column(LenientDate)]
timestamp = Annotated[dt.datetime, mapped_column(DateTime)]
#: Money is stored as whole cents: exact on every database, sums never drift.
cents = Annotated[int, mapped_column(Integer)]


def str_enum(enum_cls: type[enum.Enum], length: int = 20) -> Enum:
    """A portable enum column storing the enum's *values* (VARCHAR + CHECK), never a native type."""
    return Enum(
        enum_cls,
        values_callable=lambda cls: [m.value for m in cls],
        native_enum=False,
        length=length,
        create_constraint=True,
        validate_strings=True,
        name=enum_cls.__name__.lower(),
    )


def utcnow() -> dt.datetime:
    """Naive UTC timestamp (portable across SQLite and PostgreSQL ``timestamp``)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def to_utc(when: dt.datetime) -> dt.datetime:
    """Naive UTC for the database (a naive *when* is the computer's local time)."""
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def current_user() -> str:
    """The system user's name, recorded as who made a change or a send ("" when unknown)."""
    try:
        import getpass

        return getpass.getuser()[:80]
    except (OSError, KeyError, ImportError):
        return ""
