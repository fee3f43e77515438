"""Special form fields of the portal: numbers typed the Vietnamese way, checked files, tables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _g

from motcua.core import uploads
from motcua.portal.forms.base import DATE_FORMATS


class LooseDecimalField(forms.DecimalField):
    """A number typed the Vietnamese way too: "12,5" is 12.5 when there is no dot."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if "," in value and "." not in value and value.count(",") == 1:
                value = value.replace(",", ".")
        return super().to_python(value)


class DocumentFileField(uploads.UploadField):
    """An upload checked by content and size (:mod:`motcua.core.uploads`); type kept on the file."""


class TableWidget(forms.Widget):
    """Rows of inputs named ``<name>-<row>-<column>``; blank rows are dropped when read."""

    MAX_ROWS = 200

    def __init__(self, columns: list[dict], label: str = "", extra_rows: int = 1, attrs=None):
        super().__init__(attrs)
        self.columns, self.label, self.extra_rows = columns, label, extra_rows

    def value_from_datadict(self, data, files, name):
        rows = []
        for index in range(self.MAX_ROWS):
            keys = [f"{name}-{index}-{c['key']}" for c in self.columns]
            if not any(k in data for k in keys):
                break
            row = {
                c["key"]: (data.get(k) or "").strip()
                for c, k in zip(self.columns, keys, strict=True)
            }
            if any(row.values()):
                rows.append(row)
        return rows

    def value_omitted_from_data(self, data, files, name):
        return False

    def render(self, name, value, attrs=None, renderer=None):
        rows = value if isinstance(value, list) else []
        rows = [r for r in rows if isinstance(r, dict)] + [{}] * self.extra_rows
        base_id = (attrs or {}).get("id") or f"id_{name}"
        described = (attrs or {}).get("aria-describedby") or self.attrs.get("aria-describedby", "")
        head = format_html_join(
            "",
            '<th scope="col">{}{}</th>',
            ((c["label"], " *" if c["required"] else "") for c in self.columns),
        )
        body = []
        for index, row in enumerate(rows):
            cells = []
            for column in self.columns:
                kind = {"number": "text", "date": "date"}.get(column["kind"], "text")
                extra = (
                    format_html(' inputmode="{}"', "decimal") if column["kind"] == "number" else ""
                )
                cells.append(
                    format_html(
                        '<td><input type="{}" name="{}-{}-{}" id="{}-{}-{}" value="{}"'
                        ' aria-label="{}"{}{}></td>',
                        kind,
                        name,
                        index,
                        column["key"],
                        base_id,
                        index,
                        column["key"],
                        row.get(column["key"], ""),
                        _g("%(column)s, dòng %(row)s")
                        % {"column": column["label"], "row": index + 1},
                        format_html(' aria-describedby="{}"', described) if described else "",
                        extra,
                    )
                )
            body.append(
                format_html(
                    '<tr data-row="{}">{}</tr>',
                    index,
                    format_html_join("", "{}", ((c,) for c in cells)),
                )
            )
        return format_html(
            '<div class="table-field" id="{}" data-table="{}"><table><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody></table>"
            '<button type="submit" name="_add_row" value="{}" class="secondary">{}</button></div>',
            base_id,
            name,
            head,
            format_html_join("", "{}", ((r,) for r in body)),
            name,
            _g("Thêm dòng"),
        )


class TableField(forms.Field):
    """A table of rows (a list of dicts), each column validated by its kind and required flag."""

    def __init__(self, *, columns: list[dict], label: str, min_rows=None, max_rows=None, **kwargs):
        self.columns, self.min_rows, self.max_rows = columns, min_rows, max_rows
        kwargs.setdefault("widget", TableWidget(columns, label))
        super().__init__(label=label, **kwargs)

    def to_python(self, value):
        return value if isinstance(value, list) else []

    def validate(self, value):
        super().validate(value)
        label = self.label
        if self.min_rows is not None and value and len(value) < self.min_rows:
            raise ValidationError(
                _g("“%(label)s” cần ít nhất %(n)s dòng.") % {"label": label, "n": self.min_rows}
            )
        if self.max_rows is not None and len(value) > self.max_rows:
            raise ValidationError(
                _g("“%(label)s” chỉ được tối đa %(n)s dòng.") % {"label": label, "n": self.max_rows}
            )

    def clean(self, value):
        rows = super().clean(value)
        problems, cleaned = [], []
        for number, row in enumerate(rows, start=1):
            out = {}
            for column in self.columns:
                text = (row.get(column["key"]) or "").strip()
                where = {"row": number, "column": column["label"]}
                if not text:
                    if column["required"]:
                        problems.append(_g("Dòng %(row)s: chưa nhập “%(column)s”.") % where)
                    out[column["key"]] = ""
                    continue
                if column["kind"] == "number":
                    try:
                        text = format(
                            Decimal(text.replace(",", ".") if "." not in text else text), "f"
                        )
                    except InvalidOperation:
                        problems.append(_g("Dòng %(row)s: “%(column)s” phải là một số.") % where)
                elif column["kind"] == "date":
                    parsed = _parse_date(text)
                    if parsed is None:
                        problems.append(
                            _g("Dòng %(row)s: “%(column)s” phải là một ngày (ngày/tháng/năm).")
                            % where
                        )
                    else:
                        text = parsed.isoformat()
                out[column["key"]] = text
            cleaned.append(out)
        if problems:
            raise ValidationError(problems)
        return cleaned


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None
