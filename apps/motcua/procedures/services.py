"""Writes to the procedure catalogue: versions are published here and nowhere else."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.procedures.snapshot import build_snapshot, snapshot_digest


def procedure_snapshot(*, procedure: Procedure) -> dict[str, Any]:
    """Return what a version of *procedure* would freeze now (see :mod:`.snapshot`)."""
    return build_snapshot(procedure)


@transaction.atomic
def procedure_publish(
    *, procedure: Procedure, user=None, note: str = "", effective_at=None
) -> ProcedureVersion:
    """Freeze the procedure's current content as a new version, unless nothing changed.

    *effective_at* (a later moment) publishes a draft: new dossiers keep the version in effect
    until then (:func:`~motcua.procedures.selectors.procedure_current_version`). While a draft is
    pending, an edit without a moment joins it (same moment); one with a moment (now, to apply
    at once, or another day) sets the moment of the new version.

    Returns the new version, or the latest one when its snapshot equals the current content. The
    procedure row is locked so two publishers cannot take the same number. Older versions are never
    touched: dossiers keep the version they were received under (docs/architecture.md: legal parameters are versioned data).
    """
    locked = (
        Procedure.objects.select_for_update().select_related("sector", "level").get(pk=procedure.pk)
    )
    from motcua.procedures.selectors import procedure_pending_version

    pending = procedure_pending_version(procedure=locked)
    if effective_at is None and pending is not None:
        effective_at = pending.effective_at  # further edits join the pending draft
    snapshot = procedure_snapshot(procedure=locked)
    digest = snapshot_digest(snapshot)
    latest = locked.versions.order_by("-number").first()
    if (
        latest is not None
        and latest.snapshot_hash == digest
        and latest.effective_at == effective_at
    ):
        return latest
    return ProcedureVersion.objects.create(
        procedure=locked,
        number=latest.number + 1 if latest is not None else 1,
        snapshot=snapshot,
        snapshot_hash=digest,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        note=note[:500],
        effective_at=effective_at,
    )
