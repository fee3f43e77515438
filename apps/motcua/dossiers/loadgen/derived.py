"""Rows of a generated batch that follow from the rows already written: events and documents.

The history of a generated dossier (:class:`~motcua.dossiers.models.DossierEvent`) and its
checklist (:class:`~motcua.dossiers.models.DossierDocument`) add nothing random to it: the events
are its receipt, the start of its first step and a forward to each next one, the request and the
end of its pause, the issue (or refusal, or withdrawal) and the handover of the result, each at a
moment the dossier, step and pause rows already hold; the checklist is its procedure's. So they
are written in the database by one ``INSERT … SELECT`` each over the batch's dossiers, instead of
being built, rendered and parsed row by row (more than half of a set's rows).

Ids stay a pure function of the dossier: child row *k* of dossier *i* is ``ID_BASE + i·SLOTS +
k``; the events take fixed slots (:data:`EVENT_SLOTS`) in the order they happen for a dossier
whose pause falls in its first step, as the generator places it. The actor of every event is the
officer who received the dossier (none for an online one). The statements are standard SQL for
MariaDB and SQLite alike.
"""

from __future__ import annotations

from django.db import connection

from motcua.dossiers.loadgen.rows import ID_BASE, SLOTS
from motcua.dossiers.loadgen.world import World
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierPause, DossierStep
from motcua.dossiers.states import Action, Status

#: Slot of each event in the dossier's child ids: the receipt, then step k at 1 + k (at most
#: MAX_STEPS steps), the pause and its end, the result and its handover.
RECEIVE_SLOT = 0
MAX_STEPS = 7
PAUSE_SLOT, PAUSE_END_SLOT, FINISH_SLOT, RETURN_SLOT = 8, 9, 10, 11
assert FINISH_SLOT < RETURN_SLOT < SLOTS and 1 + MAX_STEPS <= PAUSE_SLOT

_EVENT_COLUMNS = (
    "id, dossier_id, action, actor_id, on_behalf_of_id, from_status, to_status, step_id, "
    "to_step_id, unit_id, note, data, created_at"
)


def _child(alias: str, slot: str | int = 0) -> str:
    """SQL of the id of child row *slot* of dossier *alias*."""
    return f"({ID_BASE} + ({alias}.id - {ID_BASE}) * {SLOTS} + {slot})"


#: Stand-ins in a statement's parameters for the first and last dossier id of the batch.
FIRST, LAST = object(), object()


def _event_statements(t: dict[str, str]) -> list[tuple[str, list]]:
    """The INSERT … SELECT of a batch's events, with its parameters."""
    S, A = Status, Action
    batch = "d.id BETWEEN %s AND %s"
    ids = [FIRST, LAST]
    receive = (
        f"SELECT {_child('d', RECEIVE_SLOT)}, d.id, "
        "CASE WHEN d.status = %s OR d.channel = 1 THEN %s ELSE %s END, d.received_by_id, NULL, "
        "'', CASE WHEN d.status = %s THEN %s ELSE %s END, NULL, NULL, d.unit_id, '', '{}', "
        f"CASE WHEN d.status = %s THEN d.submitted_at ELSE d.received_at END FROM {t['d']} d "
        f"WHERE {batch}",
        [S.SUBMITTED, A.RECEIVE, A.ACCEPT, S.SUBMITTED, S.SUBMITTED, S.RECEIVED, S.SUBMITTED] + ids,
    )
    # step k (s.id = child + k): the first starts at receipt, each next one is a forward
    k = f"(s.id - {_child('d')})"
    steps = (
        f"SELECT {_child('d')} + 1 + {k}, d.id, CASE WHEN {k} = 0 THEN %s ELSE %s END, "
        f"d.received_by_id, NULL, CASE WHEN {k} = 0 THEN %s ELSE %s END, %s, "
        f"CASE WHEN {k} = 0 THEN NULL ELSE s.id - 1 END, s.id, "
        f"CASE WHEN {k} = 0 THEN d.unit_id ELSE COALESCE(s.unit_id, d.unit_id) END, '', '{{}}', "
        f"CASE WHEN {k} = 0 THEN d.received_at ELSE s.started_at END "
        f"FROM {t['d']} d JOIN {t['s']} s ON s.dossier_id = d.id "
        f"WHERE {batch} AND s.dossier_id BETWEEN %s AND %s",
        [A.START, A.FORWARD, S.RECEIVED, S.IN_PROGRESS, S.IN_PROGRESS, *ids, *ids],
    )
    paused = "CASE WHEN p.kind = 'supplement' THEN %s ELSE %s END"
    pause_from = (
        f"FROM {t['d']} d JOIN {t['p']} p ON p.dossier_id = d.id "
        f"LEFT JOIN {t['s']} s0 ON s0.id = {_child('d')} "
        f"WHERE {batch} AND p.dossier_id BETWEEN %s AND %s AND d.status <> %s"
    )
    pause = (
        f"SELECT {_child('d', PAUSE_SLOT)}, d.id, {paused}, d.received_by_id, NULL, %s, "
        f"{paused}, s0.id, NULL, d.unit_id, '', '{{}}', p.started_at {pause_from}",
        [A.REQUEST_SUPPLEMENT, A.SUSPEND, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.SUSPENDED]
        + [*ids, *ids, S.SUBMITTED],
    )
    pause_end = (
        f"SELECT {_child('d', PAUSE_END_SLOT)}, d.id, {paused}, d.received_by_id, NULL, "
        f"{paused}, %s, s0.id, NULL, d.unit_id, '', '{{}}', p.ended_at {pause_from} "
        "AND p.ended_at IS NOT NULL",
        [A.SUPPLEMENT, A.RESUME, S.SUPPLEMENT_REQUESTED, S.SUSPENDED, S.IN_PROGRESS]
        + [*ids, *ids, S.SUBMITTED],
    )
    finish = (
        f"SELECT {_child('d', FINISH_SLOT)}, d.id, "
        "CASE d.status WHEN %s THEN %s WHEN %s THEN %s ELSE %s END, d.received_by_id, NULL, %s, "
        "CASE WHEN d.status IN (%s, %s) THEN d.status ELSE %s END, d.current_step_id, NULL, "
        f"d.unit_id, '', '{{}}', d.finished_at FROM {t['d']} d "
        f"WHERE {batch} AND d.finished_at IS NOT NULL",
        [
            S.REJECTED,
            A.REFUSE,
            S.WITHDRAWN,
            A.WITHDRAW,
            A.ISSUE_RESULT,
            S.IN_PROGRESS,
            S.REJECTED,
            S.WITHDRAWN,
            S.RESULT_READY,
            *ids,
        ],
    )
    handover = (
        f"SELECT {_child('d', RETURN_SLOT)}, d.id, %s, d.received_by_id, NULL, %s, %s, NULL, "
        f"NULL, d.unit_id, '', '{{}}', d.returned_at FROM {t['d']} d "
        f"WHERE {batch} AND d.returned_at IS NOT NULL",
        [A.RETURN_RESULT, S.RESULT_READY, S.RETURNED, *ids],
    )
    # One statement, rows in id order: InnoDB appends to its primary key instead of splitting
    # pages throughout the batch's range (which also made the table larger and slower to index).
    parts = (receive, steps, pause, pause_end, finish, handover)
    sql = (
        f"INSERT INTO {t['e']} ({_EVENT_COLUMNS}) "
        + " UNION ALL ".join(select for select, _params in parts)
        + " ORDER BY 1"
    )
    return [(sql, [p for _select, params in parts for p in params])]


def _tables() -> dict[str, str]:
    qn = connection.ops.quote_name
    return {
        key: qn(model._meta.db_table)
        for key, model in (
            ("d", Dossier),
            ("s", DossierStep),
            ("p", DossierPause),
            ("e", DossierEvent),
            ("doc", DossierDocument),
        )
    }


class Derived:
    """The statements deriving a batch's events and documents from the rows of *world*'s plans
    (the checklist of each procedure version), built once per process."""

    def __init__(self, world: World):
        documents = {}
        for plan in world.procedures:
            if len(plan.steps) > MAX_STEPS:
                raise ValueError(f"procedure {plan.procedure_id}: more than {MAX_STEPS} steps")
            documents[plan.version_id] = plan.documents
        t = _tables()
        self.events = _event_statements(t)
        lines, params = [], []
        for version_id, checklist in sorted(documents.items()):
            for k, (name, originals, copies, mandatory) in enumerate(checklist):
                lines.append("SELECT %s AS v, %s AS k, %s AS n, %s AS o, %s AS c, %s AS m")
                params += [version_id, k, name, originals, copies, bool(mandatory)]
        self.documents = None
        if lines:
            self.documents = (
                f"INSERT INTO {t['doc']} (id, dossier_id, name, originals, copies, is_mandatory, "
                "received, file, original_name, content_type, is_supplement) "
                f"SELECT {_child('d')} + l.k, d.id, l.n, l.o, l.c, l.m, 1, '', '', '', 0 "
                f"FROM {t['d']} d JOIN ({' UNION ALL '.join(lines)}) l "
                "ON l.v = d.procedure_version_id + 0 WHERE d.id BETWEEN %s AND %s ORDER BY 1",
                [*params, FIRST, LAST],
            )

    # ``+ 0``: the batch's dossiers (a primary-key range) drive the join; through the index on
    # the version, MariaDB would read every dossier of each version for each batch.

    def write(self, cursor, first: int, last: int) -> None:
        """Insert the events and documents of dossiers *first* … *last* (ids, inclusive)."""
        statements = self.events + ([self.documents] if self.documents else [])
        for sql, params in statements:
            cursor.execute(sql, [first if p is FIRST else last if p is LAST else p for p in params])
