"""Case- and accent-insensitive search keys.

Text that users search with ``%`` wildcards is stored a second time, folded (upper case, no
accents), in a ``*_fold`` column filled by the ORM. A search folds the pattern the same way and
compares with plain ``LIKE``: no per-row function, the same SQL on SQLite and PostgreSQL.
Short fields without a stored twin are folded by the database itself (:class:`folded`).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from sqlalchemy import String, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

#: Letters that Unicode does not decompose into a base letter and an accent.
_SPECIAL_LETTERS = {
    "œ": "oe",
    "Œ": "OE",
    "æ": "ae",
    "Æ": "AE",
    "ß": "ss",
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "Đ": "D",
    "ł": "l",
    "Ł": "L",
}
_SPECIAL = str.maketrans(_SPECIAL_LETTERS)


def fold(value: str | None) -> str | None:
    """``"Dupré"`` → ``"DUPRE"``; ``None`` stays ``None``. Idempotent."""
    if value is None:
        return None
    if value.isascii():  # nothing to decompose or translate
        return value.upper()
    return _fold_accented(value)


@lru_cache(maxsize=1 << 16)
def _fold_accented(value: str) -> str:
    """:func:`fold` of a text with non-ASCII letters (names and towns repeat: each is folded
    once)."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


#: Accented letters and what :func:`fold` makes of them, for databases that fold in SQL.
_ACCENTED = "àâäáãåçéèêëíìîïñóòôöõøúùûüýÿšžčřďťňőűđłÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕØÚÙÛÜÝŸŠŽČŘĎŤŇŐŰĐŁ"
_PLAIN = "".join(fold(ch) or "" for ch in _ACCENTED)
_LIGATURES = tuple((ch, plain.upper()) for ch, plain in _SPECIAL_LETTERS.items() if len(plain) > 1)


class folded(FunctionElement):  # noqa: N801 - reads as SQL: folded(column)
    """``fold(column)`` computed by the database, for text columns without a stored fold.

    SQLite runs :func:`fold` itself, registered on every connection as ``cible_fold``
    (:func:`register_sqlite_functions`); PostgreSQL gets ``upper(translate(...))``. The large
    name, town and model columns keep their stored ``*_fold`` twins, which an index can serve;
    this is for the shorter fields (lender, campaign, brand...).
    """

    type = String()
    name = "cible_fold"
    inherit_cache = True


@compiles(folded)
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"cible_fold({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: Any, **kw: Any) -> str:
    expr: Any = func.translate(list(element.clauses)[0], _ACCENTED, _PLAIN)
    for ligature, plain in _LIGATURES:
        expr = func.replace(expr, ligature, plain)
    return compiler.process(func.upper(expr), **kw)


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Make ``cible_fold`` available to the SQL of one SQLite connection."""
    dbapi_connection.create_function("cible_fold", 1, fold, deterministic=True)
