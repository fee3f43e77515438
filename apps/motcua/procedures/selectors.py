"""Reads of the procedure catalogue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.core.text import fold
from motcua.procedures.models import Procedure, ProcedureVersion


def procedure_current_version(*, procedure: Procedure) -> ProcedureVersion | None:
    """Return the latest published version of *procedure*, or ``None`` if never published."""
    return procedure.versions.order_by("-number").first()


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
