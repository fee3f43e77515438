"""What a dossier's or a step's due moment is computed from: one rule for services and recompute.

A dossier's clock starts at reception (``received_at``) with the processing time frozen in its
procedure version's snapshot; a step's starts when it opens, with the step's duration. A step
without a duration (0, and not "same day") has no due moment. Only pauses that are closed and
began after the start count: the open pause is still running, and office time before the start
was never on this clock. The due moment itself is the deadline engine's (``core/deadlines.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from motcua.core.deadlines import Pause
from motcua.core.timeunits import TimeUnit


@dataclass(frozen=True)
class DeadlineInputs:
    start: datetime
    amount: Decimal
    unit: str
    pauses: tuple[Pause, ...] = ()


def closed_pauses_since(pauses: Iterable, start: datetime) -> tuple[Pause, ...]:
    """Return the closed pauses (objects or pairs with start/end) that began at or after *start*."""
    found = []
    for p in pauses:
        begun, ended = (p.started_at, p.ended_at) if hasattr(p, "started_at") else p
        if ended is not None and begun >= start:
            found.append(Pause(begun, ended))
    return tuple(sorted(found, key=lambda p: p.start))


def dossier_deadline_inputs(
    *, received_at: datetime | None, snapshot: dict, pauses: Iterable = ()
) -> DeadlineInputs | None:
    """Return the inputs of a dossier's due_at, or None before reception (no clock yet)."""
    if received_at is None:
        return None
    procedure = snapshot["procedure"]
    return DeadlineInputs(
        start=received_at,
        amount=Decimal(str(procedure["processing_amount"])),
        unit=procedure["processing_unit"],
        pauses=closed_pauses_since(pauses, received_at),
    )


def step_has_deadline(amount, unit: str) -> bool:
    """A step has a due moment when it has a duration, or is to be done the same day."""
    return bool(amount and Decimal(str(amount))) or unit == TimeUnit.SAME_DAY


def step_deadline_inputs(
    *, started_at: datetime, amount, unit: str, pauses: Iterable = ()
) -> DeadlineInputs | None:
    """Return the inputs of a step's due_at, or None for a step without a duration."""
    if not step_has_deadline(amount, unit):
        return None
    return DeadlineInputs(
        start=started_at,
        amount=Decimal(str(amount or 0)),
        unit=unit,
        pauses=closed_pauses_since(pauses, started_at),
    )
