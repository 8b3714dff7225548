"""What a merge raises: refused templates, unknown fields, cancellation; progress reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.errors import CibleError
from app.i18n import format_count, ngettext


class MergeError(CibleError):
    """The merge cannot be done (bad template, nobody to write to, unwritable output...)."""


class UnknownMergeFieldError(MergeError):
    """The template names merge fields that do not exist; ``names`` lists them as written."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        shown = ", ".join(f"«{n}»" for n in self.names)
        super().__init__(
            ngettext(
                "The template uses {n} merge field that does not exist: {names}. "
                "A new template lists the fields available for this target.",
                "The template uses {n} merge fields that do not exist: {names}. "
                "A new template lists the fields available for this target.",
                len(self.names),
            ).format(n=format_count(len(self.names)), names=shown)
        )


class MergeCancelled(Exception):
    """Raised when the ``cancelled`` callback asks the merge to stop."""


def _report(
    progress: Callable[[int, int, str], None] | None,
    cancelled: Callable[[], bool] | None,
    done: int,
    total: int,
    text: str,
) -> None:
    if cancelled is not None and cancelled():
        raise MergeCancelled()
    if progress is not None:
        progress(done, total, text)
