"""Who may be assigned a workflow step: one rule for the desk's dropdown and the services.

An officer may be given a step when they are active and hold one of the step's roles through an
active membership in the step's unit itself. A subtree membership of a parent unit lets a leader
act on the step (``permissions.py`` rule 2) but does not put them on the unit's roster, so they
are neither offered in the dropdown nor picked by round robin or least-loaded assignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from motcua.dossiers.assignment_models import AssignmentQueue, AssignmentTurn, OfficerLoad


def step_assignable_officers(*, unit, roles: Iterable[str]) -> QuerySet:
    """Return the officers who may be assigned a step of *unit* taken by *roles* (unordered)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__unit=unit,
            memberships__is_active=True,
            memberships__role__name__in=list(roles),
        )
        .distinct()
    )


def officer_assignable(*, user, unit, roles: Iterable[str]) -> bool:
    """Return whether *user* may be assigned a step of *unit* taken by *roles*."""
    return step_assignable_officers(unit=unit, roles=roles).filter(pk=user.pk).exists()


# --------------------------------------------------------------------------- maintained state
#
# The automatic rules read two small tables instead of the steps (docs/architecture.md,
# Assignment):
#
# * ``OfficerLoad``: the open steps each officer holds, for "least loaded";
# * ``AssignmentTurn``: when each officer was last given a step of a name at a unit, for the
#   round robin ("the officer given this step longest ago, never first, ties by id").
#
# Both are written in the transaction that opens, closes, returns, transfers or re-homes a step
# (``services/steps.py``, ``rehoming.py``), so a rolled-back action leaves them as they were. A
# pick first upserts the ``AssignmentQueue`` row of (unit, step name), which takes its exclusive
# lock at once: a second pick for the same step waits there until the first commits, then reads
# the count and the turn the first wrote (READ COMMITTED, Django's default on MariaDB).
# Anything that writes steps by set (the load generator, an import) ends with
# :func:`assignment_state_rebuild`, which ``manage.py assignment_state_rebuild`` and the weekly
# repair job also run.


def _adapt(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _upsert(model, keys: tuple[str, ...], rows: list[tuple], column: str, combine: str) -> None:
    """Insert *rows* (keys…, value) into *model*'s table; on a key already there, set *column*
    to ``combine`` of the old and the new value: ``"add"`` (old + new) or ``"max"``."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = [*keys, column]
    cols = ", ".join(connection.ops.quote_name(n) for n in names)
    values = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * len(rows))
    col = connection.ops.quote_name(column)
    if connection.vendor == "mysql":
        new = f"VALUES({col})"
        merged = f"{col} + {new}" if combine == "add" else f"GREATEST({col}, {new})"
        tail = f"ON DUPLICATE KEY UPDATE {col} = {merged}"
    else:  # SQLite (and PostgreSQL) upsert
        new = f"excluded.{col}"
        merged = f"{col} + {new}" if combine == "add" else f"MAX({col}, {new})"
        key_cols = ", ".join(connection.ops.quote_name(n) for n in keys)
        tail = f"ON CONFLICT ({key_cols}) DO UPDATE SET {col} = {merged}"
    params = [_adapt(v) for row in rows for v in row]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({cols}) VALUES {values} {tail}", params)


def officer_loads_add(deltas: Mapping[int, int]) -> None:
    """Add ``deltas[officer_id]`` to each officer's open-step count (one statement)."""
    rows = sorted((pk, n) for pk, n in deltas.items() if pk and n)
    _upsert(OfficerLoad, ("officer_id",), rows, "open_steps", "add")


def assignment_turns_record(rows: Iterable[tuple[int, str, int, datetime]]) -> None:
    """Record that officer was given a step of (unit, name) at a moment: rows of
    ``(unit_id, name, officer_id, moment)``; a later moment already kept stays (one statement)."""
    latest: dict[tuple[int, str, int], datetime] = {}
    for unit_id, name, officer_id, moment in rows:
        if officer_id:
            key = (unit_id, name, officer_id)
            latest[key] = max(moment, latest.get(key, moment))
    _upsert(
        AssignmentTurn,
        ("unit_id", "name", "officer_id"),
        [(*key, moment) for key, moment in sorted(latest.items())],
        "last_assigned_at",
        "max",
    )


def step_assigned(step) -> None:
    """Count an open *step* just given to its assignee (opened with one, or re-assigned)."""
    if step.assignee_id:
        assignment_turns_record([(step.unit_id, step.name, step.assignee_id, step.started_at)])
        officer_loads_add({step.assignee_id: 1})


def step_released(step) -> None:
    """Uncount *step* from its assignee: it is closed, or taken from them."""
    if step.assignee_id:
        officer_loads_add({step.assignee_id: -1})


def assignment_pick(*, rule: str, unit, name: str, roles: Iterable[str]):
    """Return the officer the rule *rule* gives the step *name* of *unit*, or None (manual).

    Round robin: the eligible officer given a step of this name at this unit longest ago (never
    given one first; ties by id). Least loaded: the eligible officer with the fewest open steps
    anywhere (ties by id). Locks the (unit, name) queue row until the caller's transaction ends.
    """
    from motcua.procedures.workflow import Assignment

    if rule not in (Assignment.ROUND_ROBIN, Assignment.LEAST_LOADED):
        return None
    _upsert(AssignmentQueue, ("unit_id", "name"), [(unit.pk, name, 1)], "picks", "add")
    return assignment_order(rule=rule, unit=unit, name=name, roles=roles).first()


def assignment_order(*, rule: str, unit, name: str, roles: Iterable[str]) -> QuerySet:
    """The eligible officers in the order the rule *rule* (round robin or least loaded) takes
    them for the step *name* of *unit*: one query on the roster and the maintained state."""
    from motcua.procedures.workflow import Assignment

    officers = step_assignable_officers(unit=unit, roles=roles)
    if rule == Assignment.LEAST_LOADED:
        load = OfficerLoad.objects.filter(officer=OuterRef("pk")).values("open_steps")[:1]
        return officers.annotate(load=Coalesce(Subquery(load), 0)).order_by("load", "pk")
    turn = AssignmentTurn.objects.filter(unit=unit, name=name, officer=OuterRef("pk"))
    return officers.annotate(last=Subquery(turn.values("last_assigned_at")[:1])).order_by(
        F("last").asc(nulls_first=True), "pk"
    )


def assignment_state_rebuild(*, batch_size: int = 200_000) -> tuple[int, int]:
    """Rebuild the loads and turns from the steps; return (officers with open steps, turn rows).

    Loads: the open steps (a few percent, read on the ``(state, id)`` index) counted per officer
    in one statement, and officers with none set to 0. Turns: the steps in keyset batches of
    *batch_size* ids, one ``INSERT … SELECT … GROUP BY`` each (its own transaction), keeping the
    later moment. Safe to run twice and alongside the desk: counts are exact when no step opens
    or closes during the statement that counts them.
    """
    from motcua.dossiers.models import DossierStep, StepState

    q = connection.ops.quote_name
    step, load, turn = (q(m._meta.db_table) for m in (DossierStep, OfficerLoad, AssignmentTurn))
    counted = list(
        DossierStep.objects.filter(state=StepState.OPEN, assignee__isnull=False)
        .order_by()
        .values_list("assignee")
        .annotate(n=Count("pk"))
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {load} SET open_steps = 0 WHERE open_steps <> 0 AND officer_id NOT IN "
                f"(SELECT assignee_id FROM {step} WHERE state = %s AND assignee_id IS NOT NULL)",
                [StepState.OPEN.value],
            )
        for start in range(0, len(counted), 1000):
            chunk = counted[start : start + 1000]
            OfficerLoad.objects.bulk_create(
                [OfficerLoad(officer_id=pk, open_steps=n) for pk, n in chunk],
                update_conflicts=True,
                unique_fields=(
                    ["officer"]
                    if connection.features.supports_update_conflicts_with_target
                    else None
                ),
                update_fields=["open_steps"],
            )
    newer = "GREATEST(last_assigned_at, VALUES(last_assigned_at))"
    tail = (
        f"ON DUPLICATE KEY UPDATE last_assigned_at = {newer}"
        if connection.vendor == "mysql"
        else "ON CONFLICT (unit_id, name, officer_id) DO UPDATE SET "
        "last_assigned_at = MAX(last_assigned_at, excluded.last_assigned_at)"
    )
    ids = DossierStep.objects.order_by("pk").values_list("pk", flat=True)
    first = ids.first()
    while first is not None:  # keyset over the ids that exist (generated ids leave gaps)
        last = first + batch_size - 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {turn} (unit_id, name, officer_id, last_assigned_at) "
                f"SELECT unit_id, name, assignee_id, MAX(started_at) FROM {step} "
                f"WHERE id BETWEEN %s AND %s AND assignee_id IS NOT NULL "
                f"GROUP BY unit_id, name, assignee_id {tail}",
                [first, last],
            )
        first = ids.filter(pk__gt=last).first()
    return len(counted), AssignmentTurn.objects.count()


def assignment_state_repair() -> dict:
    """The weekly repair job: :func:`assignment_state_rebuild` (what a write outside the
    lifecycle — an import, a manual fix in the database — could have left behind)."""
    officers, turns = assignment_state_rebuild()
    return {"officers": officers, "turns": turns}
