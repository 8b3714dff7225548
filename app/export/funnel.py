"""The recipient funnel every channel shows before sending: count at each step and who dropped out.

A channel (letters, labels, Excel for mailing, SMS) builds its funnel by feeding candidates
through named steps; each step keeps some and drops the others with a reason. The dialogs and
the command line show the same :class:`Funnel`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.i18n import N_, _, ngettext

T = TypeVar("T")


@dataclass
class FunnelStep:
    """One step: how many were left after it, and why the others dropped out."""

    key: str
    label: str
    count: int
    #: (candidate, reason) for each candidate this step dropped.
    dropped: list[tuple[object, str]] = field(default_factory=list)


@dataclass
class Funnel(Generic[T]):
    """Candidates flowing through steps. ``kept`` is what survives the last step."""

    kept: list[T]
    steps: list[FunnelStep] = field(default_factory=list)

    @classmethod
    def start(cls, key: str, label: str, candidates: Iterable[T]) -> Funnel[T]:
        kept = list(candidates)
        return cls(kept=kept, steps=[FunnelStep(key, label, len(kept))])

    def keep(self, key: str, label: str, test: Callable[[T], str | None]) -> Funnel[T]:
        """Apply a step: ``test`` returns ``None`` to keep a candidate, or the reason to drop it."""
        kept: list[T] = []
        dropped: list[tuple[object, str]] = []
        for candidate in self.kept:
            reason = test(candidate)
            if reason is None:
                kept.append(candidate)
            else:
                dropped.append((candidate, reason))
        self.kept = kept
        self.steps.append(FunnelStep(key, label, len(kept), dropped))
        return self

    def add_step(
        self, key: str, label: str, kept: list[T], dropped: list[tuple[object, str]]
    ) -> Funnel[T]:
        """Record a step computed elsewhere (deduplication, grouping into households...)."""
        self.kept = list(kept)
        self.steps.append(FunnelStep(key, label, len(self.kept), list(dropped)))
        return self

    @property
    def final_count(self) -> int:
        return len(self.kept)

    def summary_lines(self) -> list[str]:
        """``label: count (-dropped)`` per step, for the command line."""
        lines = []
        previous = None
        for step in self.steps:
            if previous is None:
                lines.append(f"{step.label}: {step.count}")
            else:
                lines.append(f"{step.label}: {step.count} (-{previous - step.count})")
            previous = step.count
        return lines


#: The labels of the step "required merge fields filled" (SMS, e-mail).
FILLED_LABELS: dict[bool, str] = {
    False: N_("Required merge fields filled"),
    True: N_("Required merge fields filled (empty ones sent too)"),
}


def empty_fields_reason(fields: list[str], lang: str | None = None) -> str:
    """Why a message is left out: its required merge fields *fields* (as shown) are empty."""
    return ngettext(
        "required field empty: {fields}", "required fields empty: {fields}", len(fields), lang
    ).format(fields=", ".join(fields))


def keep_filled(
    funnel: Funnel[T],
    missing: Mapping[int, list[str]],
    send_empty: bool,
    lang: str | None = None,
) -> None:
    """The step "required merge fields filled": *missing* maps ``id(candidate)`` to the
    required merge fields (as shown) empty in its message; those candidates are left out
    with the fields named, unless *send_empty* (the user chose to send them too)."""
    if send_empty:
        funnel.keep("filled", _(FILLED_LABELS[True], lang), lambda c: None)
        return
    funnel.keep(
        "filled",
        _(FILLED_LABELS[False], lang),
        lambda c: empty_fields_reason(missing[id(c)], lang) if id(c) in missing else None,
    )


def first_per(candidates: Iterable[T], key: Callable[[T], Hashable]) -> set[int]:
    """``id()`` of the first candidate for each *key* (the one a "one per number/address"
    step keeps)."""
    seen: set[Hashable] = set()
    first: set[int] = set()
    for candidate in candidates:
        k = key(candidate)
        if k not in seen:
            seen.add(k)
            first.add(id(candidate))
    return first
