"""Open dossiers and open steps as deadline sources for calendar recomputation.

When an administrator changes the calendar, ``core.services.deadlines_recompute`` walks these
sources: each open item's due moment is recomputed from its start (receipt, or the step's start),
its amount and unit, and the closed pauses that fall after its start: the inputs are gathered by
``dossiers/deadline_inputs.py``, the same helper the lifecycle services use.

A run that carries the first changed day (``changed_from``) reads only the items whose count can
reach it: a due moment is counted forward from the start through the working time of the days up
to the due moment itself, and a closed pause's office time through the days it lasted, so an
item due before that day and with no pause lasting into it keeps its due moment (the result is
the full recomputation's). Selected through indexes: open dossiers by ``(status, due_at)``
(``0003_h10_scale_indexes``), open
steps by ``(state, due_at)``, and the dossiers with a pause open or ended on or after that day by
``ended_at`` (the paused ones, whose resume is not fixed yet, are always read).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.deadline_sources import DeadlineItem
from motcua.core.timeunits import TimeUnit
from motcua.dossiers.deadline_inputs import dossier_deadline_inputs, step_deadline_inputs
from motcua.dossiers.due_state import due_states_refresh
from motcua.dossiers.models import Dossier, DossierPause, DossierStep, StepState
from motcua.dossiers.states import OPEN, Status
from motcua.reports.officer_summaries import officer_refresh

#: States whose due_at is live; paused dossiers are recomputed on resume anyway, but their stored
#: due moment must follow the calendar too, and finished ones keep theirs for the KPIs.
_LIVE = [s for s in OPEN if s not in (Status.SUBMITTED, Status.RESULT_READY)]


def _pauses_by_dossier(ids: list[int]) -> dict[int, list[tuple]]:
    pauses: dict[int, list[tuple]] = defaultdict(list)
    for dossier_id, start, end in (
        DossierPause.objects.filter(dossier_id__in=ids, ended_at__isnull=False)
        .order_by("started_at")
        .values_list("dossier_id", "started_at", "ended_at")
    ):
        pauses[dossier_id].append((start, end))
    return pauses


def _item(pk: int, due, inputs) -> DeadlineItem:
    return DeadlineItem(
        id=pk,
        start=inputs.start,
        amount=inputs.amount,
        unit=inputs.unit,
        pauses=inputs.pauses,
        due=due,
    )


def _day_start(day: date) -> datetime:
    """The first moment of *day* on the site's clock (deadlines are local office days)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _paused_since(moment: datetime):
    """Ids of the dossiers with a pause still open or ended at or after *moment*."""
    return DossierPause.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=moment)
    ).values_list("dossier_id", flat=True)


def _selected_ids(queryset, changed_from: date | None, dossier_field: str) -> list[int]:
    """The ids a run reads, ascending: every open one, or those that can reach *changed_from*.

    *queryset* may be wider than the open set (only what the index holds, so that the index
    alone answers); the batches read the rows through the exact open set."""
    if changed_from is None:
        return list(queryset.order_by("pk").values_list("pk", flat=True))
    queryset = queryset.order_by()  # no sort: the ids are sorted here
    moment = _day_start(changed_from)
    reach = Q(due_at__gte=moment) | Q(due_at__isnull=True)
    ids = set(queryset.filter(reach).values_list("pk", flat=True))
    paused = set(_paused_since(moment).order_by())
    if paused:
        ids.update(
            queryset.filter(**{f"{dossier_field}__in": sorted(paused)}).values_list("pk", flat=True)
        )
    return sorted(ids)


def _count(queryset, changed_from: date | None, dossier_field: str) -> int:
    """How many items of the open set *queryset* a run reads (the progress bar's total)."""
    if changed_from is None:
        return queryset.count()
    return len(_selected_ids(queryset, changed_from, dossier_field))


def _batches(
    queryset, select, fields, batch_size, after=None, changed_from=None, dossier_field="pk"
):
    """The selected rows as dicts, in batches of ascending ids after *after* (the resume point).

    The ids are chosen once (an index range), then each batch is read by primary key: a row
    that left the open set meanwhile is skipped, one that entered it was computed by the lifecycle
    with the new calendar already."""
    ids = _selected_ids(select, changed_from, dossier_field)
    if after is not None:
        ids = ids[bisect_right(ids, after) :]
    for i in range(0, len(ids), batch_size):
        chunk = ids[i : i + batch_size]
        rows = list(queryset.filter(pk__in=chunk).order_by("pk").values(*fields))
        if rows:
            yield rows


class DossierDeadlines:
    name = "dossiers.dossier"
    label = _("Hạn trả kết quả của hồ sơ")

    @staticmethod
    def _open():
        return Dossier.objects.filter(status__in=_LIVE, received_at__isnull=False)

    @staticmethod
    def _select():
        """The open set as the index ``(status, due_at)`` holds it (the live states)."""
        return Dossier.objects.filter(status__in=_LIVE)

    def count(self, changed_from: date | None = None) -> int:
        """How many open dossiers a run will check (index on ``status``, ``due_at``)."""
        return _count(self._open(), changed_from, "pk")

    def open_items(
        self, *, batch_size: int, after=None, changed_from: date | None = None
    ) -> Iterable[Sequence[DeadlineItem]]:
        from motcua.procedures.models import ProcedureVersion

        fields = ("pk", "received_at", "due_at", "procedure_version_id")
        snapshots: dict[int, dict] = {}  # read once per version, not once per dossier
        batches = _batches(self._open(), self._select(), fields, batch_size, after, changed_from)
        for rows in batches:
            pauses = _pauses_by_dossier([r["pk"] for r in rows])
            missing = {r["procedure_version_id"] for r in rows} - snapshots.keys()
            snapshots.update(
                ProcedureVersion.objects.filter(pk__in=missing).values_list("pk", "snapshot")
            )
            yield [
                _item(
                    r["pk"],
                    r["due_at"],
                    dossier_deadline_inputs(
                        received_at=r["received_at"],
                        snapshot=snapshots[r["procedure_version_id"]],
                        pauses=pauses[r["pk"]],
                    ),
                )
                for r in rows
            ]

    def describe(self, ids: Sequence[str]) -> dict[str, str]:
        """Dossier codes for the recomputation audit."""
        rows = Dossier.objects.filter(pk__in=list(ids)).values_list("pk", "code")
        return {str(pk): code for pk, code in rows}

    def apply(self, updates: Sequence[tuple[int, datetime]]) -> None:
        from motcua.dossiers.recalculation import dossier_due_moves_apply

        dossier_due_moves_apply(updates)


class StepDeadlines:
    name = "dossiers.step"
    label = _("Hạn xử lý của bước")

    @staticmethod
    def _open():
        return DossierStep.objects.filter(state=StepState.OPEN).filter(
            Q(duration_amount__gt=0) | Q(duration_unit=TimeUnit.SAME_DAY)
        )

    @staticmethod
    def _select():
        """The open steps as the index ``(state, due_at)`` holds them."""
        return DossierStep.objects.filter(state=StepState.OPEN)

    def count(self, changed_from: date | None = None) -> int:
        """How many open steps a run will check (index on ``state``, ``due_at``)."""
        return _count(self._open(), changed_from, "dossier_id")

    def open_items(
        self, *, batch_size: int, after=None, changed_from: date | None = None
    ) -> Iterable[Sequence[DeadlineItem]]:
        fields = ("pk", "dossier_id", "started_at", "due_at", "duration_amount", "duration_unit")
        batches = _batches(
            self._open(), self._select(), fields, batch_size, after, changed_from, "dossier_id"
        )
        for rows in batches:
            pauses = _pauses_by_dossier(list({r["dossier_id"] for r in rows}))
            yield [
                _item(
                    r["pk"],
                    r["due_at"],
                    step_deadline_inputs(
                        started_at=r["started_at"],
                        amount=r["duration_amount"],
                        unit=r["duration_unit"],
                        pauses=pauses[r["dossier_id"]],
                    ),
                )
                for r in rows
            ]

    def describe(self, ids: Sequence[str]) -> dict[str, str]:
        """ "<dossier code> — <step>" for the recomputation audit."""
        rows = DossierStep.objects.filter(pk__in=list(ids)).values_list(
            "pk", "dossier__code", "index", "name"
        )
        return {str(pk): f"{code} — {index + 1}. {name}" for pk, code, index, name in rows}

    def apply(self, updates: Sequence[tuple[int, datetime]]) -> None:
        """One statement writes the batch's new due moments with the due columns of the steps
        and of their dossiers (:func:`~motcua.dossiers.due_state.due_states_refresh`); the
        per-officer report rows follow (a step's lateness depends on its due moment)."""
        if not updates:
            return
        new = dict(updates)
        dossier_ids = sorted(
            set(DossierStep.objects.filter(pk__in=list(new)).values_list("dossier_id", flat=True))
        )
        due_states_refresh(dossier_ids=dossier_ids, step_due=new)
        officer_refresh(dossier_ids)
