"""Due moments of a dossier and of its open step, on the site calendar.

The inputs (start, amount, unit, closed pauses) come from ``dossiers/deadline_inputs.py``, the
same helper the calendar recompute uses; the computation is the deadline engine's
(``core/deadlines.py``: Civil Code 2015 Art. 147 for working days, office hours, same day).
"""

from __future__ import annotations

from motcua.core.selectors import site_due_at
from motcua.dossiers.deadline_inputs import (
    DeadlineInputs,
    dossier_deadline_inputs,
    step_deadline_inputs,
)
from motcua.dossiers.models import Dossier, StepState


def _due(inputs: DeadlineInputs | None):
    """The due moment for *inputs* on the site calendar, or None when there is no clock."""
    if inputs is None:
        return None
    return site_due_at(
        start=inputs.start, amount=inputs.amount, unit=inputs.unit, pauses=list(inputs.pauses)
    )


def dossier_recompute_deadlines(*, dossier: Dossier) -> None:
    """Recompute due_at and the open step's due_at from their start and closed pauses."""
    pauses = list(dossier.pauses.filter(ended_at__isnull=False))
    if dossier.received_at:
        dossier.due_at = _due(
            dossier_deadline_inputs(
                received_at=dossier.received_at,
                snapshot=dossier.procedure_version.snapshot,
                pauses=pauses,
            )
        )
    step = dossier.current_step
    if step is not None and step.state == StepState.OPEN:
        inputs = step_deadline_inputs(
            started_at=step.started_at,
            amount=step.duration_amount,
            unit=step.duration_unit,
            pauses=pauses,
        )
        if inputs is not None:
            step.due_at = _due(inputs)
            step.save(update_fields=["due_at"])
