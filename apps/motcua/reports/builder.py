"""The report builder: a JSON definition, validated against a whitelist, run as an ORM query.

A definition::

    {
      "procedure": 12,                              # needed only for "form.<key>" fields
      "columns": ["code", "unit.name", "form.dien_tich"],
      "filters": [{"field": "received_at", "op": "period", "value": "last_month"},
                  {"field": "status", "op": "in", "value": ["returned", "result_ready"]}],
      "group_by": ["unit.name", "sector.name"],     # 0, 1 or 2 fields
      "aggregates": [{"fn": "count"}, {"fn": "sum", "field": "fee_total"}],
      "layout": "list" | "crosstab",
      "sort": [{"field": "received_at", "dir": "desc"}],
      "chart": "bar" | "line" | ""
    }

Only fields of :data:`FIELDS` (and the form fields of the chosen procedure) reach the query, each
through its fixed ORM path; operators are checked against the field's type; values are parsed
(dates as YYYY-MM-DD). Nothing the user types becomes SQL text. Every invalid part is refused with
a Vietnamese message naming it. Rows always start from ``dossiers_visible(user=...)`` and
exclude training dossiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import Avg, Count, DecimalField, F, Max, Min, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.selectors import site_time_zone
from motcua.dossiers import ontime
from motcua.dossiers.models import ApplicantKind, Channel, Delivery, Dossier
from motcua.dossiers.selectors import dossiers_visible
from motcua.dossiers.states import Status
from motcua.reports import builder_summaries
from motcua.reports.periods import RELATIVE, relative_period

TEXT, NUMBER, DATETIME, DATE, BOOL, CHOICE = "text", "number", "datetime", "date", "bool", "choice"

#: Operators allowed per field type.
OPERATORS = {
    TEXT: {"eq", "in", "contains", "empty"},
    NUMBER: {"eq", "in", "range", "empty"},
    DATETIME: {"range", "period", "empty"},
    DATE: {"range", "period", "empty"},
    BOOL: {"eq"},
    CHOICE: {"eq", "in", "empty"},
}
OPERATOR_LABELS = {
    "eq": gettext_lazy("bằng"),
    "in": gettext_lazy("thuộc danh sách"),
    "range": gettext_lazy("trong khoảng"),
    "contains": gettext_lazy("có chứa"),
    "empty": gettext_lazy("để trống"),
    "period": gettext_lazy("trong kỳ"),
}
AGGREGATES = {"count": Count, "sum": Sum, "avg": Avg, "min": Min, "max": Max}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    path: str
    kind: str
    choices: tuple = ()


def _f(key, label, path, kind, choices=()):
    return Field(key, label, path, kind, tuple(choices))


#: The whitelist: dossier fields and related procedure / unit / sector / officer fields.
FIELDS: dict[str, Field] = {
    f.key: f
    for f in (
        _f("code", gettext_lazy("Mã hồ sơ"), "code", TEXT),
        _f("applicant_name", gettext_lazy("Người nộp"), "applicant_name", TEXT),
        _f(
            "applicant_kind",
            gettext_lazy("Loại người nộp"),
            "applicant_kind",
            CHOICE,
            ApplicantKind.choices,
        ),
        _f("status", gettext_lazy("Trạng thái"), "status", CHOICE, Status.choices),
        _f("channel", gettext_lazy("Kênh nộp"), "channel", CHOICE, Channel.choices),
        _f(
            "delivery", gettext_lazy("Hình thức nhận kết quả"), "delivery", CHOICE, Delivery.choices
        ),
        _f("submitted_at", gettext_lazy("Thời điểm nộp"), "submitted_at", DATETIME),
        _f("received_at", gettext_lazy("Thời điểm tiếp nhận"), "received_at", DATETIME),
        _f("due_at", gettext_lazy("Hạn trả kết quả"), "due_at", DATETIME),
        _f("finished_at", gettext_lazy("Thời điểm kết thúc xử lý"), "finished_at", DATETIME),
        _f("returned_at", gettext_lazy("Thời điểm trả kết quả"), "returned_at", DATETIME),
        _f("fee_total", gettext_lazy("Phí, lệ phí"), "fee_total", NUMBER),
        _f("is_paid", gettext_lazy("Đã nộp phí"), "is_paid", BOOL),
        _f("paid_online", gettext_lazy("Thanh toán trực tuyến"), "paid_online", BOOL),
        _f("supplement_count", gettext_lazy("Số lần yêu cầu bổ sung"), "supplement_count", NUMBER),
        _f("late", gettext_lazy("Quá hạn (QĐ 766 §2.1)"), "late", BOOL),
        _f("result_number", gettext_lazy("Số văn bản kết quả"), "result_number", TEXT),
        _f("procedure.name", gettext_lazy("Thủ tục"), "procedure__name", TEXT),
        _f("procedure.national_code", gettext_lazy("Mã thủ tục"), "procedure__national_code", TEXT),
        _f(
            "procedure.online_level",
            gettext_lazy("Mức độ trực tuyến"),
            "procedure__online_level",
            TEXT,
        ),
        _f("sector.name", gettext_lazy("Lĩnh vực"), "procedure__sector__name", TEXT),
        _f("unit.name", gettext_lazy("Đơn vị tiếp nhận"), "unit__name", TEXT),
        _f("unit.agency_code", gettext_lazy("Mã đơn vị tiếp nhận"), "unit__agency_code", TEXT),
        _f("current_unit.name", gettext_lazy("Đơn vị đang xử lý"), "current_unit__name", TEXT),
        _f(
            "officer.username",
            gettext_lazy("Cán bộ đang xử lý"),
            "current_step__assignee__username",
            TEXT,
        ),
        _f("received_by.username", gettext_lazy("Cán bộ tiếp nhận"), "received_by__username", TEXT),
        _f("step.name", gettext_lazy("Bước hiện tại"), "current_step__name", TEXT),
    )
}
FORM_KINDS = {"number": NUMBER, "date": DATE, "checkbox": BOOL, "select": TEXT}


class DefinitionError(ValueError):
    """An invalid definition; ``messages`` lists every problem in Vietnamese."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class Plan:
    """A validated definition, ready to run."""

    procedure_id: int | None
    columns: list[Field]
    filters: list[tuple[Field, str, object]]
    group_by: list[Field]
    aggregates: list[tuple[str, Field | None]]
    layout: str
    sort: list[tuple[Field | str, str]]
    chart: str
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def grouped(self) -> bool:
        return bool(self.group_by)

    def aggregate_key(self, fn: str, f: Field | None) -> str:
        return f"{fn}__{f.key}" if f else fn

    def aggregate_label(self, fn: str, f: Field | None) -> str:
        names = {"count": _("Số hồ sơ"), "sum": _("Tổng"), "avg": _("Trung bình")}
        names |= {"min": _("Nhỏ nhất"), "max": _("Lớn nhất")}
        return f"{names[fn]} {f.label}" if f else names[fn]


def form_fields(procedure_id: int) -> dict[str, Field]:
    """Return the builder fields of one procedure's online form (``form.<key>``)."""
    from motcua.portal.models import FormField

    out = {}
    for ff in FormField.objects.filter(procedure_id=procedure_id).exclude(
        kind__in=("table", "file")
    ):
        kind = FORM_KINDS.get(ff.kind, TEXT)
        out[f"form.{ff.key}"] = Field(f"form.{ff.key}", ff.label, f"formfield_{ff.key}", kind)
    return out


def parse_day(value) -> date | None:
    """Return the date typed as dd/mm/yyyy (the site's way) or YYYY-MM-DD, or None."""
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a day, no moment
        except ValueError:
            continue
    return None


def _parse_date(value, where: str, errors: list[str]):
    day = parse_day(value)
    if day is None:
        errors.append(
            _("Ngày “%(value)s” ở %(where)s không hợp lệ (định dạng dd/mm/yyyy hoặc YYYY-MM-DD).")
            % {"value": value, "where": where}
        )
    return day


def _parse_value(f: Field, op: str, value, errors: list[str]):
    where = _("điều kiện “%(field)s”") % {"field": f.label}
    if op == "empty":
        return bool(value) if value is not None else True
    if op == "period":
        if value not in RELATIVE:
            errors.append(_("Kỳ “%(value)s” không có trong danh sách kỳ.") % {"value": value})
        return value
    if op == "range":
        if not isinstance(value, list | tuple) or len(value) != 2:
            errors.append(_("%(where)s cần hai giá trị: từ và đến.") % {"where": where})
            return None
        return [_scalar(f, v, where, errors) if v not in (None, "") else None for v in value]
    if op == "in":
        if not isinstance(value, list | tuple) or not value:
            errors.append(_("%(where)s cần một danh sách giá trị.") % {"where": where})
            return None
        return [_scalar(f, v, where, errors) for v in value]
    return _scalar(f, value, where, errors)


def _scalar(f: Field, value, where: str, errors: list[str]):
    if f.kind in (DATETIME, DATE):
        return _parse_date(value, where, errors)
    if f.kind == NUMBER:
        try:
            return Decimal(str(value))
        except (InvalidOperation, ValueError):
            errors.append(
                _("Giá trị “%(value)s” ở %(where)s không phải là số.")
                % {"value": value, "where": where}
            )
            return None
    if f.kind == BOOL:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "1", "có"):
            return True
        if str(value).lower() in ("false", "0", "không"):
            return False
        errors.append(_("%(where)s chỉ nhận giá trị có hoặc không.") % {"where": where})
        return None
    if f.kind == CHOICE:
        allowed = {str(c[0]) for c in f.choices}
        if str(value) not in allowed:
            errors.append(
                _("Giá trị “%(value)s” không có trong danh sách của “%(field)s”.")
                % {"value": value, "field": f.label}
            )
            return None
        return value
    return str(value)


def validate(definition: dict) -> Plan:
    """Return the :class:`Plan` of *definition*, or raise :class:`DefinitionError`."""
    errors: list[str] = []
    if not isinstance(definition, dict):
        raise DefinitionError([_("Định nghĩa báo cáo không hợp lệ.")])
    fields = dict(FIELDS)
    procedure_id = definition.get("procedure") or None
    if procedure_id is not None:
        try:
            procedure_id = int(procedure_id)
        except (TypeError, ValueError):
            errors.append(_("Thủ tục không hợp lệ."))
            procedure_id = None
    if procedure_id:
        fields.update(form_fields(procedure_id))

    def resolve(key, where) -> Field | None:
        if key in fields:
            return fields[key]
        if isinstance(key, str) and key.startswith("form."):
            if not procedure_id:
                errors.append(
                    _("Trường “%(key)s” của tờ khai cần chọn thủ tục trước.") % {"key": key}
                )
            else:
                errors.append(
                    _("Trường “%(key)s” không thuộc tờ khai của thủ tục đã chọn.") % {"key": key}
                )
            return None
        errors.append(
            _("Trường “%(key)s” (%(where)s) không được phép dùng trong báo cáo.")
            % {"key": key, "where": where}
        )
        return None

    columns = [c for c in (resolve(k, _("cột")) for k in definition.get("columns") or []) if c]
    filters = []
    for spec in definition.get("filters") or []:
        if not isinstance(spec, dict):
            errors.append(_("Điều kiện lọc không hợp lệ."))
            continue
        f = resolve(spec.get("field"), _("điều kiện lọc"))
        op = spec.get("op")
        if f is None:
            continue
        if op not in OPERATORS[f.kind]:
            errors.append(
                _("Phép so sánh “%(op)s” không dùng được cho trường “%(field)s”.")
                % {"op": OPERATOR_LABELS.get(op, op), "field": f.label}
            )
            continue
        filters.append((f, op, _parse_value(f, op, spec.get("value"), errors)))
    group_by = [
        g for g in (resolve(k, _("nhóm theo")) for k in definition.get("group_by") or []) if g
    ]
    if len(definition.get("group_by") or []) > 2:
        errors.append(_("Chỉ nhóm theo tối đa hai trường."))
    aggregates = []
    for spec in definition.get("aggregates") or [{"fn": "count"}]:
        fn = (spec or {}).get("fn")
        if fn not in AGGREGATES:
            errors.append(_("Phép tổng hợp “%(fn)s” không hợp lệ.") % {"fn": fn})
            continue
        f = None
        if fn != "count":
            f = resolve(spec.get("field"), _("tổng hợp"))
            if f is None:
                continue
            numeric = f.kind == NUMBER
            ordered = f.kind in (NUMBER, DATETIME, DATE)
            if (fn in ("sum", "avg") and not numeric) or not ordered:
                errors.append(
                    _("Không tính được “%(fn)s” trên trường “%(field)s”.")
                    % {"fn": fn, "field": f.label}
                )
                continue
        aggregates.append((fn, f))
    layout = definition.get("layout") or "list"
    if layout not in ("list", "crosstab"):
        errors.append(_("Kiểu trình bày phải là danh sách hoặc bảng chéo."))
    if layout == "crosstab" and len(group_by) != 2:
        errors.append(_("Bảng chéo cần nhóm theo đúng hai trường."))
    sort = []
    for spec in definition.get("sort") or []:
        key = (spec or {}).get("field")
        direction = (spec or {}).get("dir", "asc")
        if direction not in ("asc", "desc"):
            errors.append(_("Chiều sắp xếp phải là tăng dần hoặc giảm dần."))
            continue
        if group_by and key in {f"{fn}__{f.key}" if f else fn for fn, f in aggregates}:
            sort.append((key, direction))
            continue
        f = resolve(key, _("sắp xếp"))
        if f is not None:
            sort.append((f, direction))
    chart = definition.get("chart") or ""
    if chart not in ("", "bar", "line"):
        errors.append(_("Kiểu biểu đồ không hợp lệ."))
    if not definition.get("group_by") and not definition.get("columns"):
        errors.append(_("Cần chọn ít nhất một cột hoặc một trường để nhóm."))
    if errors:
        raise DefinitionError(errors)
    return Plan(procedure_id, columns, filters, group_by, aggregates, layout, sort, chart, fields)


# --------------------------------------------------------------------------- running


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=site_time_zone())


def _days_q(first: date, last: date) -> Q:
    """Received on the local days *first* … *last* (an index range)."""
    return Q(
        received_at__gte=_day_start(first), received_at__lt=_day_start(last + timedelta(days=1))
    )


def _filter_q(f: Field, op: str, value) -> Q:
    path = f.path
    if op == "empty":
        q = Q(**{f"{path}__isnull": True})
        if f.kind in (TEXT, CHOICE):
            q |= Q(**{path: ""})
        return q if value else ~q
    if op == "period":
        first, last = relative_period(value, today=timezone.localdate())
        value, op = [first, last], "range"
    if op == "range":
        low, high = value
        q = Q()
        if f.kind == DATETIME:
            if low:
                q &= Q(**{f"{path}__gte": _day_start(low)})
            if high:
                q &= Q(**{f"{path}__lt": _day_start(high + timedelta(days=1))})
        else:
            if low is not None:
                q &= Q(**{f"{path}__gte": low})
            if high is not None:
                q &= Q(**{f"{path}__lte": high})
        return q
    if op == "in":
        return Q(**{f"{path}__in": value})
    if op == "contains":
        return Q(**{f"{path}__icontains": value})
    if f.kind == DATETIME:
        return Q(
            **{
                f"{path}__gte": _day_start(value),
                f"{path}__lt": _day_start(value + timedelta(days=1)),
            }
        )
    return Q(**{path: value})


def _annotations(plan: Plan) -> dict:
    """Annotate the computed and form fields the plan uses (by their ORM path)."""
    used = {f.key: f for f in plan.columns + plan.group_by + [x[0] for x in plan.filters]}
    used |= {f.key: f for _fn, f in plan.aggregates if f}
    used |= {f.key: f for f, _d in plan.sort if isinstance(f, Field)}
    out = {}
    for f in used.values():
        if f.key == "late":
            out["late"] = ontime.is_late(timezone.now())
        elif f.key.startswith("form."):
            text = KeyTextTransform(f.key[5:], "form_data")
            out[f.path] = (
                Cast(text, DecimalField(max_digits=20, decimal_places=4))
                if f.kind == NUMBER
                else text
            )
    return out


def base_rows(plan: Plan, *, user) -> QuerySet[Dossier]:
    """Return the scoped, filtered dossiers of *plan* (before grouping)."""
    rows = dossiers_visible(user=user).filter(is_training=False)
    if plan.procedure_id:
        rows = rows.filter(procedure_id=plan.procedure_id)
    annotations = _annotations(plan)
    if annotations:
        rows = rows.annotate(**annotations)
    for f, op, value in plan.filters:
        rows = rows.filter(_filter_q(f, op, value))
    return rows


def _order(plan: Plan) -> list:
    out = []
    for f, direction in plan.sort:
        name = f.path if isinstance(f, Field) else f
        out.append(F(name).desc(nulls_last=True) if direction == "desc" else F(name).asc())
    return out


def _group_key(f: Field) -> tuple[str, str | None]:
    """Return (SQL group path, label attribute): a related name groups by its row id.

    Grouping by the foreign key and reading the names afterwards is several times faster on
    MariaDB than grouping by long joined text columns (the names are looked up once per group).
    """
    if "__" in f.path and not f.key.startswith("form."):
        fk, attr = f.path.rsplit("__", 1)
        return fk, attr
    return f.path, None


def _related_model(path: str):
    model = Dossier
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def _sort_key(value):
    return (value is None, value if value is not None else 0)


def run(plan: Plan, *, user):
    """Return the result rows of *plan*: a values() queryset of dossiers (lazy; paginate or
    iterate), or for a grouped plan the list of every group (dicts keyed like :func:`headers`)."""
    rows = base_rows(plan, user=user)
    if not plan.grouped:
        paths = ["pk"] + [c.path for c in plan.columns]
        return rows.values(*paths).order_by(*(_order(plan) or ["-received_at", "-pk"]))
    keys = [_group_key(g) for g in plan.group_by]
    aggs = {
        plan.aggregate_key(fn, f): AGGREGATES[fn](f.path if f else "pk")
        for fn, f in plan.aggregates
    }
    names = list(dict.fromkeys(k for k, _a in keys))
    source = builder_summaries.summary_source(plan, user=user)
    if source is not None:  # counts and fee sums of whole months: the monthly summaries answer
        groups = builder_summaries.summary_groups(plan, source.rows, names)
        for first, last in source.edges:  # the days of part months: their dossiers
            days = _days_q(first, last)
            more = list(rows.filter(days).values(*names).annotate(**aggs).order_by())
            groups = builder_summaries.merged(groups, more, names, list(aggs))
    else:
        groups = list(rows.values(*names).annotate(**aggs).order_by())
    labels = {}
    for key, attr in keys:
        if attr is not None:
            ids = {g[key] for g in groups if g[key] is not None}
            found = _related_model(key).objects.filter(pk__in=ids).values_list("pk", attr)
            labels[(key, attr)] = dict(found)
    out = []
    for g in groups:
        row = {name: g[name] for name in aggs}
        for f, (key, attr) in zip(plan.group_by, keys, strict=True):
            row[f.path] = labels[(key, attr)].get(g[key]) if attr else g[key]
        out.append(row)
    order = [(f.path if isinstance(f, Field) else f, d) for f, d in plan.sort] or [
        (f.path, "asc") for f in plan.group_by
    ]
    for name, direction in reversed(order):  # stable sorts, last key first
        if out and name in out[0]:
            out.sort(key=lambda r, n=name: _sort_key(r[n]), reverse=direction == "desc")
    return out


def totals(plan: Plan, *, user) -> dict:
    """Return the aggregates of *plan* over all its rows (the totals line)."""
    rows = base_rows(plan, user=user)
    aggs = {
        plan.aggregate_key(fn, f): AGGREGATES[fn](f.path if f else "pk")
        for fn, f in plan.aggregates
    }
    source = builder_summaries.summary_source(plan, user=user)
    if source is None:
        return rows.aggregate(**aggs)
    total = builder_summaries.summary_totals(plan, source.rows)
    for first, last in source.edges:
        more = rows.filter(_days_q(first, last)).aggregate(**aggs)
        total = {name: (total[name] or 0) + (more[name] or 0) for name in aggs}
    return total


def describe(definition: dict) -> list[str]:
    """Return a saved *definition* in Vietnamese words, one line per part (for people)."""
    fields = dict(FIELDS)
    if definition.get("procedure"):
        fields.update(form_fields(int(definition["procedure"])))

    def label(key) -> str:
        return str(fields[key].label) if key in fields else str(key)

    lines = []
    if definition.get("columns"):
        names = ", ".join(label(k) for k in definition["columns"])
        lines.append(_("Cột: %(names)s") % {"names": names})
    if definition.get("group_by"):
        names = ", ".join(label(k) for k in definition["group_by"])
        lines.append(_("Nhóm theo: %(names)s") % {"names": names})
    for spec in definition.get("filters") or []:
        value = spec.get("value")
        if spec.get("op") == "period":
            value = RELATIVE.get(value, value)
        elif isinstance(value, list):
            value = " – ".join("…" if v in (None, "") else str(v) for v in value)
        lines.append(
            _("Lọc: %(field)s %(op)s %(value)s")
            % {
                "field": label(spec.get("field")),
                "op": OPERATOR_LABELS.get(spec.get("op"), spec.get("op")),
                "value": value,
            }
        )
    return lines


def summary_plan(plan: Plan, *, user) -> bool:
    """Return whether *plan* is read from the monthly summaries for *user* (benchmark, tests)."""
    return builder_summaries.summary_source(plan, user=user) is not None


def headers(plan: Plan) -> list[tuple[str, str]]:
    """Return (key, label) of the result's columns."""
    if plan.grouped:
        return [(g.path, str(g.label)) for g in plan.group_by] + [
            (plan.aggregate_key(fn, f), plan.aggregate_label(fn, f)) for fn, f in plan.aggregates
        ]
    return [(c.path, str(c.label)) for c in plan.columns]


def display(plan: Plan, key: str, value):
    """Return a cell for people: choice labels, local times, yes/no."""
    f = next((x for x in plan.columns + plan.group_by if x.path == key), None)
    if value is None:
        return ""
    if f is not None and f.choices:
        return str(dict(f.choices).get(value, value))
    if isinstance(value, datetime):
        return timezone.localtime(value, site_time_zone()).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return value


def crosstab(plan: Plan, rows) -> dict:
    """Pivot the grouped rows: the first group field down, the second across, first aggregate."""
    down, across = (g.path for g in plan.group_by)
    key = plan.aggregate_key(*plan.aggregates[0])
    table: dict = {}
    columns: dict = {}
    for row in rows:  # values as people read them (choice labels), as in the list layout
        value_down, value_across = (
            None if row[name] is None else display(plan, name, row[name]) for name in (down, across)
        )
        table.setdefault(value_down, {})[value_across] = row[key]
        columns[value_across] = None
    cols = list(columns)
    body = []
    for value, cells in table.items():
        values = [cells.get(c) for c in cols]
        body.append((value, values, sum(v or 0 for v in values)))
    if plan.aggregates[0][0] not in ("count", "sum"):  # a total of averages means nothing
        return {"columns": cols, "rows": [(v, c, None) for v, c, _t in body], "totals": None}
    col_totals = [sum((cells.get(c) or 0) for cells in table.values()) for c in cols]
    return {"columns": cols, "rows": body, "totals": col_totals, "grand": sum(col_totals)}
