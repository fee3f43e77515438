"""Exports of a builder report: CSV streamed, XLSX with openpyxl's write-only mode, PDF.

Every text cell goes through :func:`motcua.reports.cells.safe_cell`. CSV and XLSX carry every
row (read in chunks, never all in memory); a PDF is for printing and stops at
:data:`PDF_MAX_ROWS`, saying so on the page.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from motcua.reports import builder
from motcua.reports.cells import safe_cell, workbook_file

PDF_MAX_ROWS = 5000
CHUNK = 2000


def table(plan: builder.Plan, *, user) -> tuple[list[str], Iterator[list]]:
    """Return the header labels and an iterator over the display rows (totals last)."""
    rows = builder.run(plan, user=user)
    if plan.layout == "crosstab":
        pivot = builder.crosstab(plan, rows)
        down = str(plan.group_by[0].label)
        across = [builder.display(plan, plan.group_by[1].path, c) for c in pivot["columns"]]
        labels = [down, *[str(a) for a in across]]
        if pivot["totals"] is not None:
            labels.append(_("Tổng"))

        def crossed():
            for value, cells, total in pivot["rows"]:
                line = [builder.display(plan, plan.group_by[0].path, value), *cells]
                yield [*line, total] if pivot["totals"] is not None else line
            if pivot["totals"] is not None:
                yield [_("Tổng cộng"), *pivot["totals"], pivot["grand"]]

        return labels, crossed()
    heads = builder.headers(plan)

    def listed():
        for row in rows if plan.grouped else rows.iterator(chunk_size=CHUNK):
            yield [builder.display(plan, key, row.get(key)) for key, _label in heads]
        if plan.grouped:
            sums = builder.totals(plan, user=user)
            yield (
                [_("Tổng cộng")]
                + [""] * (len(plan.group_by) - 1)
                + [sums[plan.aggregate_key(fn, f)] for fn, f in plan.aggregates]
            )

    return [label for _key, label in heads], listed()


def _filename(name: str, ext: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{slugify(name) or 'bao-cao'}-{stamp}.{ext}"


class _Echo:
    def write(self, value):
        return value


def csv_response(plan: builder.Plan, *, user, name: str) -> StreamingHttpResponse:
    labels, rows = table(plan, user=user)
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # Excel reads UTF-8 CSV correctly only with a BOM
        yield writer.writerow([safe_cell(x) for x in labels])
        for row in rows:
            yield writer.writerow([safe_cell(x) for x in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    return response


def xlsx_file(plan: builder.Plan, *, user, name: str):
    """Write the report to a temporary XLSX file (write-only mode) and return the open file."""
    from openpyxl import Workbook

    labels, rows = table(plan, user=user)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(name or _("Báo cáo"))[:31])
    sheet.append([safe_cell(x) for x in labels])
    for row in rows:
        sheet.append([safe_cell(x) for x in row])
    return workbook_file(workbook)


def xlsx_response(plan: builder.Plan, *, user, name: str) -> FileResponse:
    return FileResponse(
        xlsx_file(plan, user=user, name=name),
        as_attachment=True,
        filename=_filename(name, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def pdf_response(plan: builder.Plan, *, user, name: str) -> HttpResponse:
    from weasyprint import HTML

    labels, rows = table(plan, user=user)
    body, truncated = [], False
    for i, row in enumerate(rows):
        if i >= PDF_MAX_ROWS:
            truncated = True
            break
        body.append(row)
    html = render_to_string(
        "reports/report_pdf.html",
        {
            "name": name,
            "labels": labels,
            "rows": body,
            "truncated": truncated,
            "limit": PDF_MAX_ROWS,
            "printed_at": timezone.localtime(),
        },
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "pdf")}"'
    return response
