"""What a procedure version freezes, built from a registry of named parts.

A snapshot is a JSON object ``{part name: part value}``. This module holds the catalogue's own
parts (``procedure``, ``documents``, ``fees``, ``units``); every part, these included, is declared
in a hooks module (``snapshot_parts``, docs/plugins.md: ``motcua.procedures.hooks`` for these) and
registered by ``motcua.plugins.registry``, so other apps and plugins add theirs without touching
this file::

    snapshot_parts = {"workflow": "motcua.procedures.workflow.workflow_part"}

A part must return JSON-native values only (str, int, bool, None, lists, dicts) so that equal
content always hashes the same; decimals are written as fixed-point strings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured

#: Bump when the meaning of an existing part changes (readers can branch on it).
SNAPSHOT_SCHEMA = 1

SnapshotPart = Callable[[Any], Any]
_PARTS: dict[str, SnapshotPart] = {}


def register_snapshot_part(name: str) -> Callable[[SnapshotPart], SnapshotPart]:
    """Register *func(procedure) -> JSON value* under *name* (a decorator)."""

    def decorator(func: SnapshotPart) -> SnapshotPart:
        if name == "schema" or (name in _PARTS and _PARTS[name] is not func):
            raise ImproperlyConfigured(f"snapshot part {name!r} is already registered")
        _PARTS[name] = func
        return func

    return decorator


def snapshot_part_names() -> list[str]:
    return sorted(_PARTS)


def build_snapshot(procedure) -> dict[str, Any]:
    """Return the snapshot of *procedure*: every registered part, plus the schema number."""
    snapshot: dict[str, Any] = {"schema": SNAPSHOT_SCHEMA}
    for name in sorted(_PARTS):
        snapshot[name] = _PARTS[name](procedure)
    return snapshot


def snapshot_digest(snapshot: dict[str, Any]) -> str:
    """Return the SHA-256 of the snapshot's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decimal_text(value: Decimal | None, places: int) -> str | None:
    """Return *value* as a fixed-point string with *places* decimals ("5" → "5.0")."""
    if value is None:
        return None
    return f"{Decimal(value):.{places}f}"


# -- the catalogue's own parts ----------------------------------------------------------------


def procedure_part(procedure) -> dict[str, Any]:
    return {
        "national_code": procedure.national_code,
        "name": procedure.name,
        "sector": {"code": procedure.sector.code, "name": procedure.sector.name},
        "level": {"code": procedure.level.code, "name": procedure.level.name},
        "legal_basis": procedure.legal_basis,
        "processing_amount": decimal_text(procedure.processing_amount, 1),
        "processing_unit": str(procedure.processing_unit),
        "online_level": str(procedure.online_level),
        "result_type": procedure.result_type,
        "fee_note": procedure.fee_note,
        # Written only when the procedure overrides the site's rule, so the snapshots (and
        # digests) of procedures that follow the site default stay as they were.
        **(
            {"fee_before_return": procedure.fee_before_return}
            if procedure.fee_before_return is not None
            else {}
        ),
    }


def documents_part(procedure) -> list[dict[str, Any]]:
    return [
        {
            "name": doc.name,
            "originals": doc.originals,
            "copies": doc.copies,
            "is_mandatory": doc.is_mandatory,
            "template_file": doc.template_file.name or "",
            "order": doc.order,
        }
        for doc in procedure.documents.order_by("order", "pk")
    ]


def fees_part(procedure) -> list[dict[str, Any]]:
    return [
        {"name": fee.name, "amount": decimal_text(fee.amount, 0), "note": fee.note}
        for fee in procedure.fees.order_by("pk")
    ]


def units_part(procedure) -> list[str]:
    return sorted(procedure.units.values_list("agency_code", flat=True))
