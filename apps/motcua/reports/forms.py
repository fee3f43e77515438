"""Forms of the reporting pages (parse the query string; the views stay thin)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.widgets import DayInput
from motcua.desk.forms import DeskForm
from motcua.dossiers.models import Channel
from motcua.procedures.models import Sector
from motcua.reports.indicators import COUNT_KEYS
from motcua.reports.periods import RELATIVE, relative_period
from motcua.units.history import Structure
from motcua.units.selectors import units_in_scope


class PeriodForm(DeskForm):
    """A period (a relative one, or from/to dates) and optionally a unit and its subtree."""

    period = forms.ChoiceField(
        label=_("Kỳ báo cáo"),
        required=False,
        choices=[("", _("Theo ngày chọn"))] + list(RELATIVE.items()),
    )
    # dd/mm/yyyy text inputs (ISO accepted too: the dashboard's own links use it)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DayInput())
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DayInput())
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"), required=False, queryset=None, empty_label=_("Toàn bộ phạm vi")
    )
    subtree = forms.BooleanField(label=_("Gồm các đơn vị trực thuộc"), required=False)
    structure = forms.ChoiceField(
        label=_("Cơ cấu đơn vị"), required=False, choices=Structure.choices
    )
    sector = forms.ModelChoiceField(
        label=_("Lĩnh vực"), required=False, queryset=None, empty_label=_("Mọi lĩnh vực")
    )
    procedure = forms.IntegerField(required=False, widget=forms.HiddenInput)
    channel = forms.TypedChoiceField(
        label=_("Kênh nộp"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Mọi kênh"))] + list(Channel.choices),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_scope(user=user).order_by("path")
        self.fields["sector"].queryset = Sector.objects.order_by("name")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        if data.get("period"):
            data["date_from"], data["date_to"] = relative_period(data["period"], today=today)
        if not data.get("date_from") and not data.get("date_to") and not self.errors:
            data["date_from"], data["date_to"] = date(today.year, 1, 1), today
        if not data.get("date_from") or not data.get("date_to"):
            if not self.errors:
                raise forms.ValidationError(_("Cần chọn cả ngày bắt đầu và ngày kết thúc."))
            return data
        if data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("Ngày kết thúc không được trước ngày bắt đầu."))
        return data

    def scope_query(self) -> dict:
        """Return the query-string parameters that reproduce this scope and period."""
        d = self.cleaned_data
        params = {"date_from": d["date_from"].isoformat(), "date_to": d["date_to"].isoformat()}
        if d.get("unit"):
            params["unit"] = d["unit"].pk
        if d.get("subtree"):
            params["subtree"] = "on"
        if d.get("structure") == Structure.HISTORICAL:
            params["structure"] = Structure.HISTORICAL
        for name in ("sector", "procedure", "channel"):
            value = d.get(name)
            if value:
                params[name] = getattr(value, "pk", value)
        return params

    def narrow(self, scope):
        """Keep the dossiers and summary rows of the chosen sector, procedure and channel."""
        d = self.cleaned_data
        if d.get("sector"):
            scope = scope.narrowed(procedure__sector=d["sector"])
        if d.get("procedure"):
            scope = scope.narrowed(procedure_id=d["procedure"])
        if d.get("channel"):
            scope = scope.narrowed(channel=d["channel"])
        return scope


class DrilldownForm(PeriodForm):
    """The list behind a dashboard number: a count key and optional procedure / officer."""

    key = forms.ChoiceField(
        choices=[(k, m.label) for k, m in COUNT_KEYS.items()]
        + [("officer_late", _("Bước xử lý quá hạn của cán bộ (mỗi bước một dòng)"))]
    )
    officer = forms.IntegerField(required=False, widget=forms.HiddenInput)


# --------------------------------------------------------------------------- report builder

#: Filter rows a report may have; the page shows the filled ones and adds or removes rows.
MAX_FILTERS = 10
FILTER_PARTS = ("field", "op", "value", "to", "period")

#: Field pickers: the whitelist grouped as a manager reads it.
FIELD_GROUPS = (
    (_("Hồ sơ"), lambda key: "." not in key),
    (_("Thủ tục, lĩnh vực"), lambda key: key.split(".")[0] in ("procedure", "sector")),
    (
        _("Đơn vị, cán bộ"),
        lambda key: key.split(".")[0] in ("unit", "current_unit", "officer", "received_by", "step"),
    ),
)


def _field_choices(extra=()):
    from motcua.reports.builder import FIELDS

    groups = [
        (str(title), [(k, f.label) for k, f in FIELDS.items() if test(k)])
        for title, test in FIELD_GROUPS
    ]
    if extra:
        groups.append((str(_("Tờ khai của thủ tục")), list(extra)))
    return [("", "—")] + groups


def _iso_day(text: str) -> str:
    """Return *text* as YYYY-MM-DD when it is a date typed dd/mm/yyyy (else unchanged)."""
    from motcua.reports.builder import parse_day

    day = parse_day(text) if text else None
    return day.isoformat() if day else text


class BuilderForm(DeskForm):
    """The report builder's form; :meth:`definition` turns it into a builder definition.

    Fields are picked by their Vietnamese names (grouped); each filter row is a field, an
    operator and its value(s): one value, a list separated by commas, "from" and "to" for a
    range (dates as dd/mm/yyyy), or a named period. Rows are added and removed with buttons
    (``add_filter`` / ``remove_filter``), never typed as JSON.
    """

    procedure = forms.ModelChoiceField(
        label=_("Thủ tục (để dùng các trường của tờ khai)"),
        required=False,
        queryset=None,
        empty_label=_("Mọi thủ tục"),
    )
    columns = forms.MultipleChoiceField(label=_("Các cột"), required=False, choices=())
    group_1 = forms.ChoiceField(label=_("Nhóm theo"), required=False, choices=())
    group_2 = forms.ChoiceField(label=_("Nhóm tiếp theo"), required=False, choices=())
    fn = forms.ChoiceField(
        label=_("Tổng hợp"),
        required=False,
        choices=[
            ("count", _("Đếm số hồ sơ")),
            ("sum", _("Tổng")),
            ("avg", _("Trung bình")),
            ("min", _("Nhỏ nhất")),
            ("max", _("Lớn nhất")),
        ],
    )
    fn_field = forms.ChoiceField(label=_("Trường tổng hợp"), required=False, choices=())
    layout = forms.ChoiceField(
        label=_("Trình bày"),
        required=False,
        choices=[("list", _("Danh sách")), ("crosstab", _("Bảng chéo"))],
    )
    sort = forms.ChoiceField(label=_("Sắp xếp theo"), required=False, choices=())
    sort_dir = forms.ChoiceField(
        label=_("Chiều"),
        required=False,
        choices=[("asc", _("Tăng dần")), ("desc", _("Giảm dần"))],
    )
    chart = forms.ChoiceField(
        label=_("Biểu đồ"),
        required=False,
        choices=[("", _("Không")), ("bar", _("Cột")), ("line", _("Đường"))],
    )
    nf = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_FILTERS, widget=forms.HiddenInput
    )

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        from motcua.reports.builder import OPERATOR_LABELS, form_fields

        self.fields["procedure"].queryset = procedures
        procedure_id = self.data.get("procedure") if self.is_bound else None
        extra = []
        if procedure_id and str(procedure_id).isdigit():
            extra = [(k, f.label) for k, f in form_fields(int(procedure_id)).items()]
        choices = _field_choices(extra)
        self.fields["columns"].choices = choices[1:]
        self.fields["columns"].widget.attrs["size"] = 10
        for name in ("group_1", "group_2", "fn_field", "sort"):
            self.fields[name].choices = choices
        self.fields["sort"].choices += [
            ("count", _("Số hồ sơ (khi nhóm)")),
        ]
        ops = [("", "—")] + [(k, v) for k, v in OPERATOR_LABELS.items()]
        periods = [("", "—")] + list(RELATIVE.items())
        for i in range(MAX_FILTERS):
            n = {"n": i + 1}
            self.fields[f"f{i}_field"] = forms.ChoiceField(
                label=_("Lọc theo trường %(n)s") % n, required=False, choices=choices
            )
            self.fields[f"f{i}_op"] = forms.ChoiceField(
                label=_("Phép so sánh %(n)s") % n, required=False, choices=ops
            )
            self.fields[f"f{i}_value"] = forms.CharField(
                label=_("Giá trị %(n)s") % n,
                required=False,
                max_length=500,
                help_text=_("Nhiều giá trị: cách nhau bởi dấu phẩy; ngày: dd/mm/yyyy."),
            )
            self.fields[f"f{i}_to"] = forms.CharField(
                label=_("Đến (khoảng) %(n)s") % n, required=False, max_length=100
            )
            self.fields[f"f{i}_period"] = forms.ChoiceField(
                label=_("Kỳ %(n)s") % n, required=False, choices=periods
            )
        # DeskForm styles the widgets in its __init__; the filter fields were added after it.
        css = self.fields["sort"].widget.attrs.get("class", "")
        for i in range(MAX_FILTERS):
            for part in FILTER_PARTS:
                self.fields[f"f{i}_{part}"].widget.attrs.setdefault("class", css)

    def _filled(self) -> int:
        data = self.data if self.is_bound else {}
        filled = [i for i in range(MAX_FILTERS) if data.get(f"f{i}_field")]
        return (filled[-1] + 1) if filled else 0

    def row_count(self) -> int:
        """Return how many filter rows the page shows: the filled ones, at least one."""
        wanted = self.data.get("nf") if self.is_bound else None
        wanted = int(wanted) if wanted and str(wanted).isdigit() else 0
        return max(1, min(MAX_FILTERS, max(wanted, self._filled())))

    def filter_rows(self):
        return [
            (i, [self[f"f{i}_{part}"] for part in FILTER_PARTS]) for i in range(self.row_count())
        ]

    @staticmethod
    def rows_edited(data):
        """Return (data, edited): *data* with a filter row added (``add_filter``) or removed
        (``remove_filter=<i>``); *edited* tells the view to show the form without running it."""
        if "add_filter" not in data and "remove_filter" not in data:
            return data, False
        data = data.copy()
        filled = [i for i in range(MAX_FILTERS) if data.get(f"f{i}_field")]
        count = max(
            int(data.get("nf") or 0) if str(data.get("nf") or "").isdigit() else 0,
            (filled[-1] + 1) if filled else 0,
            1,
        )
        if "add_filter" in data:
            count = min(MAX_FILTERS, count + 1)
        else:
            gone = data.get("remove_filter")
            if str(gone).isdigit() and int(gone) < MAX_FILTERS:
                for j in range(int(gone), MAX_FILTERS - 1):
                    for part in FILTER_PARTS:
                        data[f"f{j}_{part}"] = data.get(f"f{j + 1}_{part}", "")
                for part in FILTER_PARTS:
                    data[f"f{MAX_FILTERS - 1}_{part}"] = ""
                count = max(1, count - 1)
        for key in ("add_filter", "remove_filter", "run"):
            data.pop(key, None)
        data["nf"] = str(count)
        return data, True

    def definition(self) -> dict:
        """Return the builder definition the submitted form describes (not yet validated)."""
        from motcua.reports.builder import DATE, DATETIME, FIELDS

        d = self.cleaned_data
        filters = []
        for i in range(MAX_FILTERS):
            key, op, raw = d.get(f"f{i}_field"), d.get(f"f{i}_op"), d.get(f"f{i}_value") or ""
            if not key:
                continue
            dated = getattr(FIELDS.get(key), "kind", None) in (DATE, DATETIME)
            value: object = raw.strip()
            if op == "in":
                value = [v.strip() for v in raw.split(",") if v.strip()]
            elif op == "range":
                low, high = raw, d.get(f"f{i}_to") or ""
                if not high and ".." in raw:  # the older "from..to" way of typing a range
                    low, _sep, high = raw.partition("..")
                low, high = low.strip(), high.strip()
                if dated:
                    low, high = _iso_day(low), _iso_day(high)
                value = [low or None, high or None]
            elif op == "period":
                value = d.get(f"f{i}_period") or raw.strip()
            elif op == "empty":
                value = raw.strip().lower() not in ("không", "false", "0")
            elif dated:
                value = _iso_day(raw.strip())
            filters.append({"field": key, "op": op, "value": value})
        group_by = [g for g in (d.get("group_1"), d.get("group_2")) if g]
        aggregate = {"fn": d.get("fn") or "count"}
        if aggregate["fn"] != "count":
            aggregate["field"] = d.get("fn_field")
        definition = {
            "columns": d.get("columns") or [],
            "filters": filters,
            "group_by": group_by,
            "aggregates": [aggregate],
            "layout": d.get("layout") or "list",
            "sort": [{"field": d["sort"], "dir": d.get("sort_dir") or "asc"}]
            if d.get("sort")
            else [],
            "chart": d.get("chart") or "",
        }
        if d.get("procedure"):
            definition["procedure"] = d["procedure"].pk
        return definition

    @staticmethod
    def initial_from(definition: dict) -> dict:
        """Return form data reproducing a saved *definition* (the inverse of :meth:`definition`)."""
        data: dict = {
            "procedure": definition.get("procedure") or "",
            "columns": definition.get("columns") or [],
            "layout": definition.get("layout") or "list",
            "chart": definition.get("chart") or "",
        }
        for i, g in enumerate((definition.get("group_by") or [])[:2], start=1):
            data[f"group_{i}"] = g
        agg = (definition.get("aggregates") or [{"fn": "count"}])[0]
        data["fn"], data["fn_field"] = agg.get("fn", "count"), agg.get("field", "")
        if definition.get("sort"):
            data["sort"] = definition["sort"][0].get("field")
            data["sort_dir"] = definition["sort"][0].get("dir", "asc")
        for i, spec in enumerate((definition.get("filters") or [])[:MAX_FILTERS]):
            value, to, period = spec.get("value"), "", ""
            if spec.get("op") == "in":
                value = ", ".join(str(v) for v in value or [])
            elif spec.get("op") == "range":
                low, high = (list(value or []) + [None, None])[:2]
                value, to = ("" if low is None else str(low)), ("" if high is None else str(high))
            elif spec.get("op") == "period":
                value, period = "", value
            elif spec.get("op") == "empty":
                value = "" if value else "không"
            data.update(
                {
                    f"f{i}_field": spec.get("field"),
                    f"f{i}_op": spec.get("op"),
                    f"f{i}_value": value,
                    f"f{i}_to": to,
                    f"f{i}_period": period,
                }
            )
        data["nf"] = str(max(1, min(MAX_FILTERS, len(definition.get("filters") or []))))
        return data


class SaveReportForm(DeskForm):
    name = forms.CharField(label=_("Tên báo cáo"), max_length=200)
    shared_roles = forms.ModelMultipleChoiceField(
        label=_("Chia sẻ với vai trò"), required=False, queryset=None
    )
    shared_units = forms.ModelMultipleChoiceField(
        label=_("Chia sẻ với đơn vị"), required=False, queryset=None
    )

    def __init__(self, *args, user, **kwargs):
        from django.contrib.auth.models import Group

        super().__init__(*args, **kwargs)
        self.fields["shared_roles"].queryset = Group.objects.order_by("name")
        self.fields["shared_units"].queryset = units_in_scope(user=user).order_by("path")
