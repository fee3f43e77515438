"""The desk pages for units, levels, memberships, users and roles (django-unfold)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from motcua.core.roles import Role
from motcua.units.admin_mixins import AtomicImportExportMixin, FoldedSearchMixin
from motcua.units.models import Membership, Unit, UnitLevel
from motcua.units.resources import UnitResource

User = get_user_model()


@admin.register(UnitLevel)
class UnitLevelAdmin(ModelAdmin):
    list_display = ["name", "code", "rank"]
    list_filter = ["rank"]
    search_fields = ["code", "name"]
    ordering = ["rank", "name"]


@admin.register(Unit)
class UnitAdmin(
    FoldedSearchMixin,
    AtomicImportExportMixin,
    SimpleHistoryAdmin,
    ModelAdmin,
    ImportExportModelAdmin,
):
    resource_classes = [UnitResource]
    list_display = ["indented_name", "agency_code", "level", "parent", "is_active"]
    list_filter = ["level", "is_active", ("parent", AutocompleteSelectFilter)]
    list_filter_submit = True
    search_fields = ["agency_code", "name", "short_name"]
    list_select_related = ["level", "parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    ordering = ["path"]
    fieldsets = [
        (None, {"fields": ["agency_code", "name", "short_name", "level", "parent", "is_active"]}),
        (_("Liên hệ"), {"fields": ["address", "phone", "email", "website"]}),
        (_("Vị trí trong cây"), {"fields": ["path", "depth"], "classes": ["collapse"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"  # Django 6 default; silences its warning
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @display(description=_("tên đơn vị"), ordering="path")
    def indented_name(self, obj: Unit):
        return format_html(
            '<span style="padding-left:{}rem">{}{}</span>',
            obj.depth * 1.5,
            "└ " if obj.depth else "",
            obj.name,
        )


class MembershipInline(TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["unit", "role", "scope", "is_active"]
    autocomplete_fields = ["unit"]
    verbose_name = _("phân công")
    verbose_name_plural = _("phân công tại đơn vị")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ["user", "unit", "role", "scope", "is_active"]
    list_filter = [
        "role",
        "scope",
        "is_active",
        ("unit", AutocompleteSelectFilter),
        ("user", AutocompleteSelectFilter),
    ]
    list_filter_submit = True
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "unit__agency_code",
        "unit__search_text",
        "role__name",
    ]
    list_select_related = ["user", "unit", "role"]
    autocomplete_fields = ["user", "unit"]


# The user and group pages in unfold's look (its documented pattern), plus memberships.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    inlines = [MembershipInline]


class RoleKindFilter(admin.SimpleListFilter):
    title = _("loại vai trò")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("system", _("Vai trò hệ thống")), ("custom", _("Nhóm tự tạo"))]

    def queryset(self, request, queryset):
        if self.value() == "system":
            return queryset.filter(name__in=Role.values)
        if self.value() == "custom":
            return queryset.exclude(name__in=Role.values)
        return queryset


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    list_display = ["name", "role_label"]
    list_filter = [RoleKindFilter]

    @display(description=_("tên vai trò"))
    def role_label(self, obj: Group):
        return Role(obj.name).label if obj.name in Role.values else "—"
