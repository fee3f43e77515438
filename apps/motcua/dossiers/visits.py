"""The units a dossier visited besides its receiving unit, kept for the scoped selector.

Rule (docs/architecture.md, Scope): a staff member also sees the dossiers that passed through a
step at a unit in their scope or were consulted with one. Read from the steps and consultations
themselves, that part of the scope is the set of every step of the unit — most of them steps of
the unit's own dossiers, already in scope by their receiving unit — which MariaDB materialises
before it can walk a list in order (400,442 rows for one leader at 540,000 dossiers).

So one row ``(unit, dossier)`` is kept for each unit other than the dossier's receiving unit at
which the dossier has a step or a consultation (``DossierVisit``), and the selector reads that short
set instead. The receiving unit never changes (a reorganisation keeps it, NĐ 140/2025 Điều 32), so
the rows are exactly the step and consultation units minus the receiving one when:

* the lifecycle records the unit of each step and consultation it opens (:func:`visits_record`,
  called by ``services/steps.py`` and ``dossier_consult``);
* whatever moves or writes steps and consultations by set — a reorganisation's re-homing, the load
  generator, the data migration that filled the table — rebuilds the rows of the dossiers it
  touched from the steps and consultations (:func:`visits_rebuild`), one statement per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from motcua.dossiers.models import Dossier, DossierVisit


def visits_record(dossier: Dossier, unit_ids: Iterable[int]) -> None:
    """Record that *dossier* has a step or consultation at each of *unit_ids* (idempotent)."""
    others = {pk for pk in unit_ids if pk != dossier.unit_id}
    if others:
        DossierVisit.objects.bulk_create(
            [DossierVisit(unit_id=pk, dossier_id=dossier.pk) for pk in sorted(others)],
            ignore_conflicts=True,
        )


def _tables() -> dict[str, str]:
    from motcua.dossiers.models import Consultation, DossierStep

    return {
        "visit": DossierVisit._meta.db_table,
        "dossier": Dossier._meta.db_table,
        "step": DossierStep._meta.db_table,
        "consultation": Consultation._meta.db_table,
    }


def visits_rebuild(*, dossier_ids: Sequence[int] = (), first: int = 0, last: int = 0) -> int:
    """Rewrite the visit rows of the dossiers *dossier_ids*, or of the ids in ``[first, last]``,
    from their steps and consultations; return how many rows were written.

    Two statements whatever the number of dossiers: a delete, then one ``INSERT … SELECT`` of the
    step and consultation units that differ from the receiving unit (``UNION`` drops repeats).
    The caller holds the dossiers (their row locks, or a load no one else writes to).
    """
    if dossier_ids:
        ids = sorted(set(dossier_ids))
        where = "{col} IN (" + ", ".join(["%s"] * len(ids)) + ")"
        params = ids
    elif last >= first > 0:
        where, params = "{col} BETWEEN %s AND %s", [first, last]
    else:
        return 0
    t = _tables()
    insert = (
        f"INSERT INTO {t['visit']} (unit_id, dossier_id) "
        f"SELECT s.unit_id, s.dossier_id FROM {t['step']} s "
        f"JOIN {t['dossier']} d ON d.id = s.dossier_id "
        f"WHERE {where.format(col='s.dossier_id')} AND s.unit_id <> d.unit_id "
        f"UNION "
        f"SELECT c.unit_id, s.dossier_id FROM {t['consultation']} c "
        f"JOIN {t['step']} s ON s.id = c.step_id "
        f"JOIN {t['dossier']} d ON d.id = s.dossier_id "
        f"WHERE {where.format(col='s.dossier_id')} AND c.unit_id <> d.unit_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {t['visit']} WHERE {where.format(col='dossier_id')}", params)
        cursor.execute(insert, [*params, *params])
        return cursor.rowcount
