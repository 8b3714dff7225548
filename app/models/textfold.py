"""Case- and accent-insensitive search keys.

Text that users search with ``%`` wildcards is stored a second time, folded (upper case, no
accents), in a ``*_fold`` column filled by the ORM. A search folds the pattern the same way and
compares with plain ``LIKE``: no per-row function, the same SQL on SQLite and PostgreSQL.
"""

from __future__ import annotations

import unicodedata

_SPECIAL = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L"})


def fold(value: str | None) -> str | None:
    """``"Dupré"`` → ``"DUPRE"``; ``None`` stays ``None``. Idempotent."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", value.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
