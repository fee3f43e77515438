"""Reads of the procedure catalogue."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core.text import fold
from motcua.procedures.models import Procedure, ProcedureVersion


def procedure_current_version(*, procedure: Procedure, at=None) -> ProcedureVersion | None:
    """Return the version of *procedure* in effect at *at* (now), or ``None`` if none is.

    The highest-numbered version whose ``effective_at`` is empty or has come. A version published
    with a later effective moment (a draft) takes effect by itself when a dossier is received or
    the form is opened after that moment: no job publishes it (a lazy switch, nothing to miss
    when the scheduler is down). A later version supersedes an earlier draft that has not yet
    taken effect (its content includes the draft's, since both were edited on the same rows).
    """
    moment = at or timezone.now()
    return (
        procedure.versions.filter(Q(effective_at__isnull=True) | Q(effective_at__lte=moment))
        .order_by("-number")
        .first()
    )


def procedure_pending_version(*, procedure: Procedure, at=None) -> ProcedureVersion | None:
    """Return a draft that will take effect later (the latest version, not yet in effect)."""
    moment = at or timezone.now()
    latest = procedure.versions.order_by("-number").first()
    if latest is not None and latest.effective_at is not None and latest.effective_at > moment:
        return latest
    return None


def procedure_search(*, query: str, active_only: bool = False) -> QuerySet[Procedure]:
    """Return procedures whose code or name contains every word of *query*, accents ignored.

    "cap phep xay dung" finds "Cấp giấy phép xây dựng"; an empty query returns everything.
    """
    procedures = Procedure.objects.select_related("sector", "level")
    if active_only:
        procedures = procedures.filter(is_active=True)
    condition = Q()
    for word in fold(query).split():
        condition &= Q(search_text__contains=word)
    return procedures.filter(condition)
