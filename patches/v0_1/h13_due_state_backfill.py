"""Give the open dossiers that existed before the due columns their due state.

Dossiers received before the persisted due state were saved with a blank ``due_state``, which the
sweep skips. Each open dossier (and its open step) gets its columns from
``motcua.dossiers.due_state.due_state_apply``, in batches of 500 by primary key.
"""

from django.db import transaction
from django.utils import timezone

from motcua.dossiers.due_state import due_states_refresh
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import OPEN, Status


def execute() -> str:
    now = timezone.now()
    rows = Dossier.objects.filter(
        status__in=list(OPEN - {Status.SUBMITTED}), due_state=""
    ).order_by("pk")
    last, done = 0, 0
    while True:
        ids = list(rows.filter(pk__gt=last).values_list("pk", flat=True)[:500])
        if not ids:
            return f"{done} open dossiers given their due state"
        with transaction.atomic():
            done += due_states_refresh(dossier_ids=ids, now=now)
        last = ids[-1]
