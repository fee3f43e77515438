"""Neutralise spreadsheet cells against formula injection (CSV / XLSX exports).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by spreadsheet programs (OWASP "CSV Injection"); prefixing it with an apostrophe makes
it plain text. Numbers, dates and booleans are left as they are so sums still work.
"""

from __future__ import annotations

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Return *value*, with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value
