"""The ledger (sổ theo dõi hồ sơ, form 07 of TT 03/2025) as XLSX, beside the printed PDF.

The same rows as the PDF (``motcua.printing.context.ledger_rows`` over the scoped
``ledger_dossiers``), every row of the period (no page limit), written in openpyxl's
write-only mode with text cells neutralised against formula injection.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.selectors import site_time_zone
from motcua.printing import context as ctx
from motcua.printing.registry import ledger_dossiers
from motcua.reports.cells import safe_cell, workbook_file

HEADERS = [
    ("number", "STT"),
    ("code", "Mã hồ sơ"),
    ("procedure_name", "Tên thủ tục hành chính"),
    ("sets", "Số lượng hồ sơ (bộ)"),
    ("applicant_name", "Tên cá nhân, tổ chức"),
    ("applicant_contact", "Địa chỉ, số điện thoại"),
    ("handling_unit", "Cơ quan chủ trì giải quyết"),
    ("received_at", "Ngày, giờ nhận hồ sơ"),
    ("due_at", "Ngày, giờ hẹn trả kết quả"),
    ("handed_over_at", "Ngày, giờ chuyển hồ sơ"),
    ("handed_over_to", "Chuyển cho"),
    ("result_at", "Ngày, giờ có kết quả"),
    ("returned_at", "Ngày, giờ trả kết quả"),
    ("status", "Trạng thái"),
    ("outcome", "Đúng hạn / quá hạn"),
]


def _cell(value):
    if isinstance(value, datetime):
        return timezone.localtime(value, site_time_zone()).replace(tzinfo=None)
    return safe_cell(value)


def ledger_xlsx(*, user, unit, date_from: date, date_to: date, book: str = "received"):
    """Write the ledger (or the returns book) of *unit* for the days to a temporary XLSX file;
    return it rewound."""
    from openpyxl import Workbook

    now = timezone.now()
    dossiers = (
        ledger_dossiers(user=user, unit=unit, date_from=date_from, date_to=date_to, book=book)
        .select_related("procedure", "current_unit")
        .prefetch_related("steps__unit")
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Sổ theo dõi hồ sơ"))
    sheet.append([safe_cell(f"{unit.name} — {date_from:%d/%m/%Y} – {date_to:%d/%m/%Y}")])
    sheet.append([label for _key, label in HEADERS])
    number = 0
    for chunk in _chunks(dossiers.iterator(chunk_size=1000)):
        for row in ctx.ledger_rows(chunk, now=now):
            number += 1
            values = [getattr(row, key) for key, _label in HEADERS]
            values[0] = number
            sheet.append([_cell(v) for v in values])
    return workbook_file(book)


def _chunks(iterator, size=1000):
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
