"""The seam between the calendar and the things that have deadlines (docs/architecture.md, Deadlines: "when admins change
the calendar, open dossiers' deadlines are recomputed").

``core`` knows nothing of dossiers. An app whose rows carry a deadline computed from the calendar
(open dossiers, open workflow steps) registers a :class:`DeadlineSource` once, from its
``AppConfig.ready()``::

    from motcua.core import deadline_sources

    class DossierDeadlines:
        name = "dossiers.dossier"            # stable: stored in the audit
        label = _("Hồ sơ")

        def open_items(self, *, batch_size):
            last = 0
            while True:                      # keyset pagination: safe while rows are updated
                rows = list(open_dossiers.filter(pk__gt=last).order_by("pk")[:batch_size])
                if not rows:
                    return
                yield [DeadlineItem(id=r.pk, start=r.received_at, amount=..., unit=...,
                                    pauses=..., due=r.due_at) for r in rows]
                last = rows[-1].pk

        def apply(self, updates):             # [(id, new_due)], inside the run's transaction
            ...

    deadline_sources.register(DossierDeadlines())

:func:`motcua.core.services.deadlines_recompute` then walks every registered source in batches,
computes each item's due moment from its start, amount, unit and pauses, hands the changed ones to
``apply`` and audits old → new. Optional members make the recompute job better: ``open_items``
taking ``after`` (the last id done) lets a killed run resume where it stopped instead of from the
start; taking ``changed_from`` (the first calendar day a change touched) lets it read only the
items whose count can reach that day; ``count()`` (with the same ``changed_from``) gives the
progress bar its total. Registering is an explicit call, not a Django signal (docs/architecture.md: no signals).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

from motcua.core.deadlines import Pause
from motcua.core.timeunits import TimeUnit


@dataclass(frozen=True)
class DeadlineItem:
    """One open deadline: what it is computed from, and the due moment stored now."""

    id: int | str
    start: datetime
    amount: int | Decimal
    unit: TimeUnit | str
    pauses: tuple[Pause, ...] = ()
    due: datetime | None = None


@runtime_checkable
class DeadlineSource(Protocol):
    """Something with open deadlines; see the module docstring for an example."""

    name: str
    label: str

    def open_items(self, *, batch_size: int) -> Iterable[Sequence[DeadlineItem]]:
        """Yield the open items in batches of at most *batch_size* (keyset pagination)."""

    def apply(self, updates: Sequence[tuple[int | str, datetime]]) -> None:
        """Store the new due moments ``[(id, due)]``; called in a transaction per batch."""


_registry: dict[str, DeadlineSource] = {}


def register(source: DeadlineSource) -> DeadlineSource:
    """Register *source* under ``source.name``; registering the same name again replaces it."""
    if not isinstance(source, DeadlineSource):
        raise TypeError(f"{source!r} is not a DeadlineSource (name, label, open_items, apply)")
    _registry[source.name] = source
    return source


def unregister(name: str) -> None:
    """Remove the source called *name* (no error when absent)."""
    _registry.pop(name, None)


def registered() -> list[DeadlineSource]:
    """Return the registered sources, in registration order."""
    return list(_registry.values())
