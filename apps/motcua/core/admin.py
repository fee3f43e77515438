"""The working calendar in the desk (django-unfold), with history, YAML import/export and the
audit of deadline recomputations.

Every save or delete of calendar data ends in :func:`motcua.core.services.calendar_changed`, which
recomputes open deadlines; the desk shows how many moved and links to the audited run.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminFileFieldWidget,
    UnfoldAdminSelectWidget,
)

from motcua.core import deadline_sources, selectors, services
from motcua.core.calendar_yaml import CalendarFileError, parse_calendar_year
from motcua.core.models import (
    WEEKDAY_LABELS,
    DeadlineChange,
    DeadlineRecomputation,
    Holiday,
    MakeUpWorkingDay,
    OfficeInterval,
    WorkingCalendar,
)
from motcua.core.workcalendar import WEEKDAY_CODES

YAML_MAX_BYTES = 256 * 1024


class CalendarChangeAdminMixin:
    """After any save or delete, queue the recomputation of open deadlines (a job, so the save
    returns at once) and point to the calendar page, where its progress shows.

    A row that is one day or a run of days (a holiday, a make-up working day) names its first
    day's field in :attr:`calendar_day_field`: the run then reads only the deadlines that can
    reach the earliest day the save touched (before and after an edit); the calendar's own
    settings touch no single day and recheck every open deadline."""

    calendar_day_field: str | None = None

    def _calendar_changed(self, request, reason: str, days=()) -> None:
        field = self.calendar_day_field
        changed_from = min((d for d in days if d), default=None) if field else None
        run = services.calendar_changed(
            actor=request.user, reason=reason, changed_from=changed_from
        )
        url = reverse("admin:core_workingcalendar_changelist")
        self.message_user(
            request,
            format_html(
                '{} <a href="{}" class="underline">{}</a>',
                gettext(
                    "Đã lưu. Hạn xử lý của các hồ sơ đang mở được tính lại trong nền "
                    "(lần tính #%(id)s)."
                )
                % {"id": run.pk},
                url,
                gettext("Xem tiến độ"),
            ),
            messages.INFO,
        )

    def _days(self, objs) -> list:
        field = self.calendar_day_field
        return [getattr(obj, field) for obj in objs] if field else []

    def save_model(self, request, obj, form, change):
        # the day before the edit: moving a holiday later must recheck from its old first day
        field = self.calendar_day_field
        if change and field:
            request._calendar_days_before = list(
                type(obj).objects.filter(pk=obj.pk).values_list(field, flat=True)
            )
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        self._calendar_changed(request, gettext("Thêm: %(obj)s") % {"obj": obj}, self._days([obj]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        before = getattr(request, "_calendar_days_before", [])
        self._calendar_changed(
            request, gettext("Sửa: %(obj)s") % {"obj": obj}, [*before, *self._days([obj])]
        )
        return super().response_change(request, obj)

    def delete_model(self, request, obj):
        label = str(obj)
        days = self._days([obj])
        super().delete_model(request, obj)
        self._calendar_changed(request, gettext("Xóa: %(obj)s") % {"obj": label}, days)

    def delete_queryset(self, request, queryset):
        labels = ", ".join(str(obj) for obj in queryset[:5])
        days = (
            list(queryset.values_list(self.calendar_day_field, flat=True))
            if (self.calendar_day_field)
            else []
        )
        super().delete_queryset(request, queryset)
        self._calendar_changed(request, (gettext("Xóa: %(obj)s") % {"obj": labels})[:255], days)


# -- the calendar ---------------------------------------------------------------------------


class WorkingCalendarForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        label=_("Ngày làm việc trong tuần"),
        choices=WEEKDAY_LABELS,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text=_("Thứ Bảy làm bù theo quyết định khai báo ở “Ngày làm bù”."),
    )

    class Meta:
        model = WorkingCalendar
        fields = ["name", "weekdays", "same_day_cutoff", "day_rule"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["weekdays"] = [c for c in self.instance.weekdays.split(",") if c]

    def clean_weekdays(self) -> str:
        chosen = set(self.cleaned_data["weekdays"])
        return ",".join(code for code in WEEKDAY_CODES if code in chosen)


class OfficeIntervalFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        intervals = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("start") or not data.get("end"):
                continue
            intervals.append((data["start"], data["end"]))
        if not intervals:
            raise forms.ValidationError(_("Cần ít nhất một khoảng giờ hành chính."))
        intervals.sort()
        for (_a, end), (start, _b) in zip(intervals, intervals[1:], strict=False):
            if start < end:
                raise forms.ValidationError(
                    _("Các khoảng giờ hành chính chồng lên nhau (%(start)s bắt đầu trước %(end)s).")
                    % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
                )


class OfficeIntervalInline(TabularInline):
    model = OfficeInterval
    formset = OfficeIntervalFormSet
    fields = ["start", "end"]
    extra = 0
    min_num = 1
    validate_min = True


class YamlImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp lịch năm (.yaml)"),
        widget=UnfoldAdminFileFieldWidget,
        help_text=_(
            "Định dạng: office_hours, weekdays, same_day_cutoff, holidays, working_days (xem "
            "fixtures/calendar/). Ngày nghỉ và ngày làm bù của năm trong tệp được thay thế toàn bộ."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > YAML_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 256 KB)."))
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Tệp phải là văn bản UTF-8.")) from None
        try:
            return parse_calendar_year(text, where=upload.name)
        except CalendarFileError as exc:
            raise forms.ValidationError(str(exc)) from None


class YamlExportForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Năm"), coerce=int, widget=UnfoldAdminSelectWidget, choices=()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = selectors.calendar_years() or []
        self.fields["year"].choices = [(y, y) for y in years]


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(CalendarChangeAdminMixin, SimpleHistoryAdmin, ModelAdmin):
    form = WorkingCalendarForm
    inlines = [OfficeIntervalInline]
    list_display = [
        "name",
        "weekdays_display",
        "hours_display",
        "same_day_cutoff",
        "day_rule",
        "updated_at",
    ]
    list_filter = ["day_rule"]
    search_fields = ["name"]
    actions_list = ["import_yaml", "export_yaml"]
    actions_detail = ["import_yaml", "export_yaml"]
    list_before_template = "core/admin/recompute_progress_panel.html"
    change_form_before_template = "core/admin/recompute_progress_panel.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("office_intervals")

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "recompute-progress/",
                self.admin_site.admin_view(self.recompute_progress),
                name="core_workingcalendar_recompute_progress",
            ),
            *super().get_urls(),
        ]

    def recompute_progress(self, request):
        """The progress panel alone (htmx polls it while a recomputation is queued or runs)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(request, "core/admin/recompute_progress_panel.html", {})

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not WorkingCalendar.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False  # one calendar per site; deleting it would drop every holiday

    @display(description=_("Ngày làm việc"))
    def weekdays_display(self, obj):
        labels = dict(WEEKDAY_LABELS)
        return ", ".join(str(labels[c]) for c in obj.weekdays.split(",") if c in labels)

    @display(description=_("Giờ hành chính"))
    def hours_display(self, obj):
        return ", ".join(str(i) for i in obj.office_intervals.all())

    def _yaml_page(self, request, form, *, title, submit):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "submit_label": submit,
        }
        return TemplateResponse(request, "core/admin/calendar_yaml_form.html", context)

    @action(
        description=_("Nhập lịch năm từ YAML"),
        url_path="import-yaml",
        icon="upload",
        permissions=["change"],
    )
    def import_yaml(self, request, object_id=None):
        form = YamlImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.calendar_year_import(
                    form.cleaned_data["file"], actor=request.user
                )
            except CalendarFileError as exc:
                form.add_error("file", str(exc))
            else:
                self.message_user(request, result.summary(), messages.SUCCESS)
                return redirect("admin:core_holiday_changelist")
        return self._yaml_page(
            request, form, title=gettext("Nhập lịch năm từ tệp YAML"), submit=gettext("Nhập")
        )

    @action(
        description=_("Xuất lịch năm ra YAML"),
        url_path="export-yaml",
        icon="download",
        permissions=["view"],
    )
    def export_yaml(self, request, object_id=None):
        form = YamlExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            year = form.cleaned_data["year"]
            response = HttpResponse(
                services.calendar_year_export(year), content_type="application/yaml; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="lich-{year}.yaml"'
            return response
        return self._yaml_page(
            request, form, title=gettext("Xuất lịch năm ra tệp YAML"), submit=gettext("Tải về")
        )


# -- dated rows -----------------------------------------------------------------------------


class SiteCalendarRowForm(forms.ModelForm):
    """Attach new rows to the site's calendar before validation (overlap checks need it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.calendar_id is None:
            self.instance.calendar = services.calendar_ensure()


class HolidayForm(SiteCalendarRowForm):
    class Meta:
        model = Holiday
        fields = ["start_date", "end_date", "name", "decision", "year"]


class MakeUpWorkingDayForm(SiteCalendarRowForm):
    class Meta:
        model = MakeUpWorkingDay
        fields = ["date", "name", "decision", "year"]


class CalendarRowsAdmin(CalendarChangeAdminMixin, SimpleHistoryAdmin, ModelAdmin):
    list_before_template = "core/admin/recompute_progress_panel.html"
    list_filter = ["year"]
    search_fields = ["name", "decision"]
    list_per_page = 100
    actions_list = ["import_yaml", "export_yaml"]

    @action(
        description=_("Nhập lịch năm từ YAML"),
        url_path="import-yaml",
        icon="upload",
        permissions=["change"],
    )
    def import_yaml(self, request):
        return HttpResponseRedirect(reverse("admin:core_workingcalendar_import_yaml"))

    @action(
        description=_("Xuất lịch năm ra YAML"),
        url_path="export-yaml",
        icon="download",
        permissions=["view"],
    )
    def export_yaml(self, request):
        return HttpResponseRedirect(reverse("admin:core_workingcalendar_export_yaml"))


@admin.register(Holiday)
class HolidayAdmin(CalendarRowsAdmin):
    form = HolidayForm
    calendar_day_field = "start_date"
    list_display = ["__str__", "start_date", "end_date", "days_display", "decision", "year"]
    date_hierarchy = "start_date"
    ordering = ["-start_date"]

    @display(description=_("Số ngày"))
    def days_display(self, obj):
        return obj.days


@admin.register(MakeUpWorkingDay)
class MakeUpWorkingDayAdmin(CalendarRowsAdmin):
    form = MakeUpWorkingDayForm
    calendar_day_field = "date"
    list_display = ["__str__", "date", "name", "decision", "year"]
    date_hierarchy = "date"
    ordering = ["-date"]


# -- recomputation audit --------------------------------------------------------------------


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeadlineChangeDisplay:
    """Columns of the recomputation audit: what moved (dossier code, step), in local time."""

    @admin.display(description=_("Hồ sơ / bước"))
    def item(self, change):
        source = {s.name: s for s in deadline_sources.registered()}.get(change.source)
        describe = getattr(source, "describe", None)
        label = describe([change.item_id]).get(str(change.item_id)) if describe else None
        return label or f"{change.source} {change.item_id}"

    @admin.display(description=_("Hạn cũ"), ordering="old_due")
    def old_local(self, change):
        return _local_time(change.old_due)

    @admin.display(description=_("Hạn mới"), ordering="new_due")
    def new_local(self, change):
        return _local_time(change.new_due)


def _local_time(moment):
    return date_format(timezone.localtime(moment), "d/m/Y H:i") if moment else "—"


class DeadlineChangeInline(DeadlineChangeDisplay, ReadOnlyAdminMixin, TabularInline):
    model = DeadlineChange
    fields = ["item", "old_local", "new_local", "error"]
    readonly_fields = fields
    extra = 0
    per_page = 50
    can_delete = False


@admin.register(DeadlineRecomputation)
class DeadlineRecomputationAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["created_at", "actor", "reason", "status", "checked", "changed", "failed"]
    list_filter = ["status", "day_rule", "created_at"]
    search_fields = ["reason", "actor__username", "changes__item_id"]
    readonly_fields = [
        "created_at",
        "finished_at",
        "actor",
        "reason",
        "status",
        "day_rule",
        "calendar_revision",
        "checked",
        "changed",
        "failed",
    ]
    inlines = [DeadlineChangeInline]
    date_hierarchy = "created_at"

    def get_search_results(self, request, queryset, search_term):
        results, _dupes = super().get_search_results(request, queryset, search_term)
        return results.distinct(), False


class DeadlineSourceFilter(admin.SimpleListFilter):
    """The kind of deadline by the words of its source ("Hạn xử lý của bước"), not its code."""

    title = _("loại hạn")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [(s.name, s.label) for s in deadline_sources.registered()]

    def queryset(self, request, queryset):
        return queryset.filter(source=self.value()) if self.value() else queryset


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(DeadlineChangeDisplay, ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["run", "item", "old_local", "new_local", "error"]
    list_filter = [DeadlineSourceFilter, "run__created_at"]
    search_fields = ["item_id", "source", "error"]
    list_select_related = ["run"]
