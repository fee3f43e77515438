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


def workbook_file(book):
    """Save an openpyxl workbook to a temporary file and return it rewound (the caller closes it,
    or hands it to a FileResponse, which does)."""
    import tempfile

    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (returned open, see above)
    book.save(handle)
    handle.seek(0)
    return handle
