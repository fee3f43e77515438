"""Re-home open dossiers to another unit after a reorganisation (merger, split, closure).

Rule (NĐ 140/2025/NĐ-CP Điều 32; docs/architecture.md, Units and reorganisation): an open dossier
of a unit that ends keeps its state, its code, its receiving unit and every due moment; what
changes is the unit that handles it (``current_unit`` when it was the old unit) and the unit of its
open step. The step's assignee is kept when they hold an active membership in the new unit (they
moved with the unit), otherwise the step goes back to the new unit's queue (no assignee).
Unanswered consultations addressed to the old unit are addressed to the new one, and so is the
competent unit of a boundary-free dossier (NĐ 118/2025) when it was the old unit.

Like the calendar recomputation (``recalculation.py``), this changes no state, so it does not go
through the transition function: one locked batch, a few ``UPDATE`` statements, one multi-row
``INSERT`` of :attr:`~motcua.dossiers.states.Action.REHOME` events (the audit record, one per
dossier, naming both units and the reorganisation). The version of every moved dossier goes up,
so an officer who loaded the page before the move gets the usual conflict message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.dossiers.assignment import assignment_turns_record, officer_loads_add
from motcua.dossiers.models import Consultation, Dossier, DossierEvent, DossierStep, StepState
from motcua.dossiers.states import OPEN, Action
from motcua.dossiers.visits import visits_rebuild
from motcua.units.models import Membership

#: Boundary-free reception (NĐ 118/2025) gives a dossier a competent unit distinct from the
#: receiving one; when the model has it, a competent unit that ends is replaced too.
_HAS_COMPETENT_UNIT = any(f.name == "competent_unit" for f in Dossier._meta.get_fields())


def _members_of(unit_id: int, user_ids: set[int]) -> set[int]:
    return set(
        Membership.objects.filter(
            unit_id=unit_id, user_id__in=user_ids, is_active=True
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def dossiers_rehome(
    dossier_ids: Sequence[int],
    *,
    from_unit_ids: Sequence[int],
    to_unit_id: int,
    actor=None,
    reorganisation_id: int | None = None,
    note: str = "",
) -> list[int]:
    """Move the open dossiers *dossier_ids* from the units *from_unit_ids* to *to_unit_id*.

    Returns the ids of the dossiers actually moved (open, and handled by or at an old unit);
    others are skipped, so a batch re-run after a killed worker moves nothing twice.
    """
    old = set(from_unit_ids)
    locked = list(
        Dossier.objects.select_for_update()
        .filter(pk__in=list(dossier_ids), status__in=list(OPEN))
        .order_by("pk")
        .values_list("pk", "status", "current_unit_id")
    )
    steps = list(
        DossierStep.objects.filter(
            dossier_id__in=[pk for pk, *_ in locked], state=StepState.OPEN, unit_id__in=old
        ).values_list("pk", "dossier_id", "unit_id", "assignee_id")
    )
    stepped = {dossier_id for _pk, dossier_id, _unit, _assignee in steps}
    rows = [(pk, status, unit) for pk, status, unit in locked if unit in old or pk in stepped]
    if not rows:
        return []
    moved = [pk for pk, *_ in rows]
    assignees = {assignee for *_rest, assignee in steps if assignee}
    staying = _members_of(to_unit_id, assignees)
    dropped = [pk for pk, _d, _u, assignee in steps if assignee and assignee not in staying]
    dropped_set = set(dropped)
    DossierStep.objects.filter(pk__in=[pk for pk, *_ in steps]).update(unit_id=to_unit_id)
    if dropped:
        DossierStep.objects.filter(pk__in=dropped).update(assignee=None)
    # the maintained assignment state (dossiers/assignment.py): a dropped step leaves its
    # officer's load; a kept one counts as given to them at the new unit when it was started
    gone = Counter(assignee for pk, _d, _u, assignee in steps if pk in dropped_set)
    officer_loads_add({officer: -n for officer, n in gone.items()})
    kept = [pk for pk, _d, _u, assignee in steps if assignee and assignee in staying]
    assignment_turns_record(
        (to_unit_id, name, assignee, started)
        for name, assignee, started in DossierStep.objects.filter(pk__in=kept).values_list(
            "name", "assignee_id", "started_at"
        )
    )
    Consultation.objects.filter(
        step__dossier_id__in=moved, step__state=StepState.OPEN, unit_id__in=old
    ).filter(answered_at__isnull=True).update(unit_id=to_unit_id)
    Dossier.objects.filter(pk__in=[pk for pk, _s, unit in rows if unit in old]).update(
        current_unit_id=to_unit_id
    )
    if _HAS_COMPETENT_UNIT:  # the deciding unit of a boundary-free dossier follows the same rule
        Dossier.objects.filter(pk__in=moved, competent_unit_id__in=old).update(
            competent_unit_id=to_unit_id
        )
    Dossier.objects.filter(pk__in=moved).update(version=F("version") + 1, updated_by=actor)
    visits_rebuild(dossier_ids=moved)  # the steps and consultations now name the new unit
    step_of = {dossier_id: (pk, unit, assignee) for pk, dossier_id, unit, assignee in steps}
    now = timezone.now()
    DossierEvent.objects.bulk_create(
        [
            DossierEvent(
                dossier_id=pk,
                action=Action.REHOME,
                actor=actor,
                from_status=status,
                to_status=status,
                step_id=step_of[pk][0] if pk in step_of else None,
                unit_id=to_unit_id,
                note=note,
                data={
                    "from_unit": unit if unit in old else step_of[pk][1],
                    "to_unit": to_unit_id,
                    "reorganisation": reorganisation_id,
                    "assignee_kept": bool(
                        pk in step_of and step_of[pk][2] and step_of[pk][2] in staying
                    ),
                },
                created_at=now,
            )
            for pk, status, unit in rows
        ]
    )
    return moved
