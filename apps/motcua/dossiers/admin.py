"""The desk pages for dossiers (read-mostly) and delegations (django-unfold).

Rules of these pages:

1. Every dossier list and page reads through ``dossiers_visible`` (scoped reads): an officer sees
   the dossiers of their scope, a superuser all. Seeing is granted by the scope, not by model
   permissions, so any desk member (staff with an active staff-role membership) may open the list.
2. Dossiers are never added or deleted here: reception goes through the desk counter, and the
   lifecycle through its services. The only change is the training flag, by an administrator of
   the dossier's unit (``motcua.dossiers.training``); steps and events are read-only history.
3. "Đóng hồ sơ tập huấn cũ" is a list action with a small form for the age in days; it calls
   ``dossiers_close_training``, which writes a ``close_training`` event for each dossier.
4. Delegations: administrators manage those of the officers in their scope; an officer sees the
   delegations given to or by them and may give their own ("B thay mặt A").
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display
from unfold.forms import BaseDialogForm
from unfold.widgets import UnfoldAdminIntegerFieldWidget

from motcua.core.paginators import CappedCountPaginator
from motcua.core.people import person_name
from motcua.core.roles import STAFF_ROLES, Role
from motcua.dossiers.models import Delegation, Dossier, DossierEvent, DossierStep
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.selectors import (
    dossier_search_filter,
    dossiers_visible,
    dossiers_visible_parts,
)
from motcua.dossiers.services import training_close_request
from motcua.dossiers.states import OPEN, Status
from motcua.dossiers.training import (
    dossier_set_training,
    training_flag_allowed,
    training_flag_error,
)
from motcua.units.desk_access import is_desk_member, may_enter_desk
from motcua.units.selectors import holds_role, units_in_scope

User = get_user_model()


# -- who is who in the desk (cached on the request: the admin asks many times per page) -------


def _cached(request, key: str, compute):
    cache = request.__dict__.setdefault("_motcua_desk", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _is_desk_member(request) -> bool:
    return is_desk_member(request)


def _is_administrator(request) -> bool:
    """A superuser, or an administrator of at least one unit."""
    user = request.user
    if not may_enter_desk(user):
        return False
    return user.is_superuser or _cached(
        request, "admin", lambda: holds_role(user=user, roles=[Role.ADMINISTRATOR])
    )


def _person(user) -> str:
    return person_name(user, empty="—")


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "d/m/Y H:i") if value else "—"


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else (value or "—")


# -- dossiers ---------------------------------------------------------------------------------


class _HistoryInline(TabularInline):
    """Read-only history of a dossier; shown only inside a page that the scope already allowed."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return _is_desk_member(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DossierStepInline(_HistoryInline):
    model = DossierStep
    fk_name = "dossier"
    verbose_name = _("bước xử lý")
    verbose_name_plural = _("các bước xử lý")
    fields = ["number", "name", "unit", "assignee_name", "state", "started", "due", "finished"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "assignee")

    @display(description=_("bước"))
    def number(self, obj: DossierStep):
        return "—" if obj.index is None else obj.index + 1

    @display(description=_("cán bộ xử lý"))
    def assignee_name(self, obj: DossierStep):
        return _person(obj.assignee)

    @display(description=_("bắt đầu"))
    def started(self, obj: DossierStep):
        return _moment(obj.started_at)

    @display(description=_("hạn bước"))
    def due(self, obj: DossierStep):
        # Inline read-only fields do not get unfold's labels: mark lateness in words and colour.
        if obj.due_at is None:
            return "—"
        if obj.is_late:
            return format_html(
                '{} <span style="color:#dc2626;font-weight:600">({})</span>',
                _moment(obj.due_at),
                _("trễ hạn"),
            )
        return _moment(obj.due_at)

    @display(description=_("kết thúc"))
    def finished(self, obj: DossierStep):
        return _moment(obj.finished_at)


class DossierEventInline(_HistoryInline):
    model = DossierEvent
    fk_name = "dossier"
    verbose_name = _("nhật ký xử lý")
    verbose_name_plural = _("nhật ký xử lý (phiếu kiểm soát)")
    fields = ["moment", "action", "who", "from_label", "to_label", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "on_behalf_of")

    @display(description=_("thời điểm"))
    def moment(self, obj: DossierEvent):
        return _moment(obj.created_at)

    @display(description=_("người thực hiện"))
    def who(self, obj: DossierEvent):
        """ "B thay mặt A" when acting under a delegation."""
        if obj.on_behalf_of_id:
            return _("%(actor)s thay mặt %(principal)s") % {
                "actor": _person(obj.actor),
                "principal": _person(obj.on_behalf_of),
            }
        return _person(obj.actor)

    @display(description=_("từ trạng thái"))
    def from_label(self, obj: DossierEvent):
        return _status_label(obj.from_status)

    @display(description=_("sang trạng thái"))
    def to_label(self, obj: DossierEvent):
        return _status_label(obj.to_status)


class DossierTrainingForm(forms.ModelForm):
    """The one editable field of the dossier page: the training flag."""

    class Meta:
        model = Dossier
        fields = ["is_training"]

    def clean_is_training(self):
        value = self.cleaned_data["is_training"]
        error = training_flag_error(dossier=self.instance, is_training=value)
        if error:
            raise forms.ValidationError(error)
        return value


class CloseTrainingForm(BaseDialogForm):
    older_than_days = forms.IntegerField(
        label=_("Đóng hồ sơ tập huấn nộp cách đây hơn (ngày)"),
        min_value=1,
        max_value=3650,
        initial=30,
        widget=UnfoldAdminIntegerFieldWidget,
        error_messages={
            "required": _("Nhập số ngày."),
            "min_value": _("Số ngày phải từ 1 trở lên."),
            "max_value": _("Số ngày không được quá 3650."),
            "invalid": _("Số ngày phải là số nguyên."),
        },
    )


STATUS_COLOURS = {
    Status.SUBMITTED: "info",
    Status.RECEIVED: "info",
    Status.IN_PROGRESS: "info",
    Status.SUPPLEMENT_REQUESTED: "warning",
    Status.SUSPENDED: "warning",
    Status.RESULT_READY: "success",
    Status.RETURNED: "success",
    Status.REJECTED: "danger",
    Status.WITHDRAWN: "danger",
    Status.STOPPED: "danger",
}


class ScopeUnitFilter(admin.RelatedFieldListFilter):
    """Units of the viewer's scope as filter choices, read from the unit table (no dossier scan)."""

    def field_choices(self, field, request, model_admin):
        # Both unit filters, and the count of each part of the scope, ask: read once a request.
        return _cached(
            request,
            "scope_units",
            lambda: [
                (unit.pk, str(unit))
                for unit in units_in_scope(user=request.user, roles=STAFF_ROLES).order_by("path")
            ],
        )


def _scoped_changelist(base):
    """*base* whose list carries ``count_subsets``: the list's filters and search applied to each
    index-driven part of the user's scope (``dossiers_visible_parts``) instead of the whole scope.

    Each part lies inside the visible set, so a part holding ``cap`` rows settles the capped count
    from its own index, without the scope's disjunction; the parts are only counted, never listed.
    """

    class ScopedChangeList(base):
        def get_queryset(self, request, exclude_parameters=None):
            rows = super().get_queryset(request, exclude_parameters)
            if exclude_parameters is None and not getattr(self, "_counting_part", False):
                rows.count_subsets = lambda: [
                    self._part_rows(request, part)
                    for part in dossiers_visible_parts(user=request.user)
                ]
            return rows

        def _part_rows(self, request, part):
            root, self.root_queryset = self.root_queryset, Dossier.objects.filter(part)
            self._counting_part = True
            try:
                return self.get_queryset(request)
            finally:
                self.root_queryset, self._counting_part = root, False

    return ScopedChangeList


@admin.register(Dossier)
class DossierAdmin(ModelAdmin):
    form = DossierTrainingForm
    # A million rows: no COUNT(*) of the whole table (unfiltered total), a capped page count.
    show_full_result_count = False
    paginator = CappedCountPaginator
    inlines = [DossierStepInline, DossierEventInline]
    actions = []
    actions_list = ["close_old_training"]
    list_display = [
        "code",
        "applicant_name",
        "procedure_name",
        "unit",
        "status_label",
        "due",
        "due_state",
        "is_training",
    ]
    list_display_links = ["code"]
    # No join in the page's query: with one, MariaDB starts from the procedures and sorts every
    # visible dossier (31 s at 505,000); alone, it walks the list's order and stops at the page.
    # The page's procedures and units are read by id afterwards (get_queryset's prefetch).
    list_select_related = ()
    search_fields = [
        "code",
        "applicant_name",
        "applicant_id_number",
        "applicant_tax_code",
        "applicant_phone",
    ]
    list_filter = [
        "status",
        "due_state",
        "channel",
        ("unit", ScopeUnitFilter),
        ("current_unit", ScopeUnitFilter),
        "is_training",
        ("imported_from", admin.EmptyFieldListFilter),  # nhập từ hệ thống cũ (legacy import)
        ("procedure__sector", admin.RelatedFieldListFilter),
        ("due_at", admin.DateFieldListFilter),
    ]
    list_filter_submit = True
    ordering = ["-received_at", "-id"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "procedure",
                    "procedure_version",
                    "status",
                    "channel",
                    "unit",
                    "competent_unit",
                    "current_unit",
                    "current_step",
                    "imported_from",
                ]
            },
        ),
        (
            _("Người nộp"),
            {
                "fields": [
                    "applicant_kind",
                    "applicant_name",
                    "applicant_id_number",
                    "applicant_tax_code",
                    "applicant_phone",
                    "applicant_email",
                    "applicant_address",
                ]
            },
        ),
        (
            _("Thời hạn"),
            {
                "fields": [
                    "submitted_at",
                    "received_at",
                    "received_by",
                    "due_at",
                    "apology_due_at",
                    "finished_at",
                    "returned_at",
                    "supplement_count",
                    "late_by_rule",
                ]
            },
        ),
        (_("Dữ liệu tờ khai"), {"fields": ["form_data_pretty"], "classes": ["collapse"]}),
        (
            _("Phí và kết quả"),
            {
                "fields": [
                    "fee_total",
                    "is_paid",
                    "paid_online",
                    "paid_at",
                    "fee_receipt_number",
                    "fee_collected_by",
                    "fee_waived",
                    "fee_waiver_reason",
                    "delivery",
                    "delivery_address",
                    "postal_carrier",
                    "postal_tracking",
                    "postal_sent_on",
                    "result_number",
                    "result_date",
                    "result_file_link",
                ]
            },
        ),
        (_("Tập huấn"), {"fields": ["is_training"]}),
    ]
    readonly_fields = [
        field
        for _title, options in fieldsets
        for field in options["fields"]
        if field != "is_training"
    ]

    # -- reads: always through the scoped selector ---------------------------------------------

    def get_queryset(self, request):
        queryset = dossiers_visible(user=request.user).prefetch_related(
            "procedure", "unit", "current_unit", "competent_unit"
        )
        return queryset.order_by(*(self.get_ordering(request) or ["-id"]))

    def get_changelist(self, request, **kwargs):
        return _scoped_changelist(super().get_changelist(request, **kwargs))

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """The capped paginator, told the parts of the list that one index answers."""
        subsets = getattr(queryset, "count_subsets", None)
        return self.paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            subsets=subsets() if subsets else (),
        )

    def get_search_results(self, request, queryset, search_term):
        """Search as the desk does: exact code by its index, words through the full-text index."""
        if not search_term.strip():
            return queryset, False
        return dossier_search_filter(queryset, search_term), False

    # -- rights ---------------------------------------------------------------------------------

    def has_module_permission(self, request):
        return _is_desk_member(request)

    def has_view_permission(self, request, obj=None):
        return _is_desk_member(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return _is_administrator(request)
        return _is_desk_member(request) and training_flag_allowed(user=request.user, dossier=obj)

    def has_close_training_permission(self, request):
        return _is_administrator(request)

    # -- columns ----------------------------------------------------------------------------------

    @display(description=_("thủ tục"), ordering="procedure__name")
    def procedure_name(self, obj: Dossier):
        name = obj.procedure.name
        return name if len(name) <= 80 else f"{name[:79]}…"

    @display(description=_("trạng thái"), ordering="status", label=STATUS_COLOURS)
    def status_label(self, obj: Dossier):
        return (obj.status, obj.get_status_display())

    @display(
        description=_("hạn trả kết quả"),
        ordering="due_at",
        label={"late": "danger", "ok": "default"},
    )
    def due(self, obj: Dossier):
        if obj.due_at is None:
            return "—"
        overdue = obj.status in OPEN and obj.due_at < timezone.now()
        return ("late" if overdue else "ok", _moment(obj.due_at))

    @display(description=_("dữ liệu tờ khai"))
    def form_data_pretty(self, obj: Dossier):
        text = json.dumps(obj.form_data or {}, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', text)

    @display(description=_("tệp kết quả"))
    def result_file_link(self, obj: Dossier):
        """The result file through the desk's scope-checked view (never ``/files/…``)."""
        if obj is None or not obj.result_file:
            return "—"
        return format_html(
            '<a class="underline" href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("desk:result_file", args=[obj.pk]),
            obj.result_original_name or _("Xem tệp kết quả"),
        )

    # -- the one write: the training flag --------------------------------------------------------

    def save_model(self, request, obj, form, change):
        dossier_set_training(
            dossier=obj, user=request.user, is_training=form.cleaned_data["is_training"]
        )

    def save_related(self, request, form, formsets, change):
        """Nothing to save: the step and event inlines are read-only (events are append-only)."""

    def construct_change_message(self, request, form, formsets, add=False):
        return []  # the inlines were not saved; the service writes the log entry

    def log_change(self, request, obj, message):
        """The service already wrote the change-log entry, in words (see ``training.py``)."""
        return None

    # -- the list action ------------------------------------------------------------------------

    @action(
        description=_("Đóng hồ sơ tập huấn cũ"),
        url_path="close-training",
        permissions=["close_training"],
        icon="archive",
        dialog={
            "title": _("Đóng hồ sơ tập huấn cũ"),
            "description": _(
                "Các hồ sơ tập huấn chưa kết thúc, nộp trước số ngày dưới đây, sẽ được đóng "
                "(dừng giải quyết) và ghi nhật ký. Hồ sơ thật không bị ảnh hưởng."
            ),
            "form_class": CloseTrainingForm,
            "form_submit_text": _("Đóng hồ sơ"),
        },
    )
    def close_old_training(self, request, form):
        days = form.cleaned_data["older_than_days"]
        url = reverse("admin:dossiers_dossier_changelist")
        try:
            task = training_close_request(user=request.user, older_than_days=days)
        except ActionForbidden as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "Đang đóng %(count)s hồ sơ tập huấn nộp cách đây hơn %(days)s ngày (chạy nền).",
                    "Đang đóng %(count)s hồ sơ tập huấn nộp cách đây hơn %(days)s ngày (chạy nền).",
                    task.total or 0,
                )
                % {"count": task.total or 0, "days": days},
            )
            url = reverse("jobs:task", args=[task.pk])
        if request.headers.get("HX-Request"):
            return HttpResponse(headers={"HX-Redirect": url})
        return HttpResponseRedirect(url)


# -- delegations ------------------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{_person(obj)} ({obj.get_username()})"


class DelegationStateFilter(admin.SimpleListFilter):
    title = _("hiệu lực")
    parameter_name = "hieu_luc"

    def lookups(self, request, model_admin):
        return [
            ("current", _("Đang hiệu lực")),
            ("upcoming", _("Sắp tới")),
            ("past", _("Đã hết hạn")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.filter(starts_on__lte=today, ends_on__gte=today)
        if self.value() == "upcoming":
            return queryset.filter(starts_on__gt=today)
        if self.value() == "past":
            return queryset.filter(ends_on__lt=today)
        return queryset


@admin.register(Delegation)
class DelegationAdmin(ModelAdmin):
    list_display = ["delegate_name", "delegator_name", "starts_on", "ends_on", "state", "note"]
    list_display_links = ["delegate_name"]
    list_select_related = ["delegator", "delegate"]
    search_fields = [
        "delegator__username",
        "delegator__first_name",
        "delegator__last_name",
        "delegate__username",
        "delegate__first_name",
        "delegate__last_name",
        "note",
    ]
    list_filter = [
        DelegationStateFilter,
        ("starts_on", admin.DateFieldListFilter),
        ("ends_on", admin.DateFieldListFilter),
    ]
    list_filter_submit = True
    ordering = ["-starts_on", "-id"]
    fields = ["delegator", "delegate", "starts_on", "ends_on", "note"]

    # -- rows and choices -----------------------------------------------------------------------

    def _members_in_scope(self, request):
        """Active users with an active membership in the units the requester works in."""
        scope = units_in_scope(user=request.user, roles=STAFF_ROLES).values("pk")
        ids = User.objects.filter(memberships__unit__in=scope, memberships__is_active=True).values(
            "pk"
        )
        return User.objects.filter(is_active=True, pk__in=ids)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        own = Q(delegator=user) | Q(delegate=user)
        if _is_administrator(request):
            scope = units_in_scope(user=user, roles=[Role.ADMINISTRATOR]).values("pk")
            return queryset.filter(
                own
                | Q(delegator__memberships__unit__in=scope, delegator__memberships__is_active=True)
            ).distinct()
        return queryset.filter(own)

    def get_autocomplete_fields(self, request):
        # Officers may not browse the user list; they choose among their unit's members.
        return ["delegator", "delegate"] if _is_administrator(request) else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("delegator", "delegate"):
            if request.user.is_superuser:
                kwargs["queryset"] = User.objects.filter(is_active=True)
            elif db_field.name == "delegator" and not _is_administrator(request):
                kwargs["queryset"] = User.objects.filter(pk=request.user.pk)
            else:
                kwargs["queryset"] = self._members_in_scope(request)
            kwargs["form_class"] = PersonChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not _is_administrator(request) and "delegator" in form.base_fields:
            # An officer delegates their own work: the field shows them and cannot change.
            form.base_fields["delegator"].initial = request.user.pk
            form.base_fields["delegator"].disabled = True
        return form

    # -- rights ---------------------------------------------------------------------------------

    def has_module_permission(self, request):
        return _is_desk_member(request)

    def has_view_permission(self, request, obj=None):
        return _is_desk_member(request)

    def has_add_permission(self, request):
        return _is_desk_member(request)

    def has_change_permission(self, request, obj=None):
        if not _is_desk_member(request):
            return False
        if obj is None or _is_administrator(request):
            return True
        return obj.delegator_id == request.user.pk

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    # -- columns ----------------------------------------------------------------------------------

    @display(description=_("người được ủy quyền"), ordering="delegate__last_name")
    def delegate_name(self, obj: Delegation):
        return _person(obj.delegate)

    @display(description=_("người ủy quyền"), ordering="delegator__last_name")
    def delegator_name(self, obj: Delegation):
        return _person(obj.delegator)

    @display(
        description=_("hiệu lực"),
        label={"current": "success", "upcoming": "info", "past": "danger"},
    )
    def state(self, obj: Delegation):
        today = timezone.localdate()
        if obj.starts_on > today:
            return ("upcoming", _("Sắp tới"))
        if obj.ends_on < today:
            return ("past", _("Đã hết hạn"))
        return ("current", _("Đang hiệu lực"))


# The desk pages kept in their own modules register themselves on import.
from motcua.dossiers import admin_legacy  # noqa: E402,F401,I001  code patterns, legacy import
from motcua.dossiers import reorganisation_admin  # noqa: E402,F401,I001  reorganisation pages
