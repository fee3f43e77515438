"""Read a legacy file row by row: XLSX (first sheet, streamed) or CSV (UTF-8, ``,`` or ``;``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _


class UnreadableFile(ValueError):
    """The file is neither an XLSX workbook nor a UTF-8 CSV text (message for the user)."""


def rows(handle: IO[bytes], name: str) -> Iterator[list[Any]]:
    """Yield the rows of the file (the header first), each a list of cell values."""
    handle.seek(0)
    if name.lower().endswith(".xlsx"):
        yield from _xlsx(handle)
    elif name.lower().endswith(".csv"):
        yield from _csv(handle)
    else:
        raise UnreadableFile(_("Chỉ nhận tệp .xlsx hoặc .csv."))


def _xlsx(handle: IO[bytes]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise UnreadableFile(_("Không đọc được tệp XLSX: %(error)s") % {"error": exc}) from exc
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def _csv(handle: IO[bytes]) -> Iterator[list[Any]]:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        sample = text.read(4096)
        text.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;") if sample else csv.excel
        yield from csv.reader(text, dialect)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_("Tệp CSV phải được lưu với bảng mã UTF-8.")) from exc
    except csv.Error as exc:
        raise UnreadableFile(_("Không đọc được tệp CSV: %(error)s") % {"error": exc}) from exc
    finally:
        text.detach()
