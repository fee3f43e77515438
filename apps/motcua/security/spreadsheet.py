"""Spreadsheet cells that never run as formulas (CSV/XLSX injection, OWASP "CSV Injection").

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and
LibreOffice as a formula: a unit named ``=HYPERLINK("http://…","Bấm")`` would export as a live
link. Every export prefixes such text with an apostrophe, which spreadsheets show as plain text.
Numbers, dates and empty cells pass unchanged.

Use :func:`neutralise_cell` / :func:`neutralise_row` for any hand-built CSV or XLSX; the
import-export resources get it from their shared base (``motcua.units.resources``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Return *value*, with an apostrophe before text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise_cell(value) for value in values]
