"""The TSV lines the translation tools print (``todo``) and read back (``fill``).

One message per line, columns separated by tabs; a tab, a newline and a backslash inside a
text are written ``\\t``, ``\\n`` and ``\\\\``. Shared by tools/messages.py (gettext) and
tools/i18n.py (Qt .ts).
"""

from __future__ import annotations

_UNESCAPED = {"n": "\n", "t": "\t", "\\": "\\"}


def escape(text: str) -> str:
    """*text* as one TSV column."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def unescape(text: str) -> str:
    """The text a TSV column written by :func:`escape` (or by hand) stands for."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(_UNESCAPED.get(text[i + 1], "\\" + text[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)
