"""Errors that carry a message meant for the user (window or stderr), never a traceback."""

from __future__ import annotations


class CibleError(Exception):
    """A problem the user can understand and act on. ``str(error)`` is the message shown."""


class DatabaseError(CibleError):
    """The database cannot be opened, read, written or upgraded."""


class TargetError(CibleError):
    """A target (criteria, columns, file) is not valid."""


class ImportFileError(CibleError):
    """A DMS extract cannot be read as its profile expects (names the file, row and column)."""
