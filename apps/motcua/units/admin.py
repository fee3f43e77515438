"""The desk pages for units, levels, memberships, users and roles (django-unfold)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from motcua.core.roles import STAFF_ROLES, Role
from motcua.security.models import SecurityEventKind
from motcua.security.roles import role_change_record
from motcua.security.services import security_event_record
from motcua.units import admin_scope
from motcua.units.admin_mixins import (
    AtomicImportExportMixin,
    FoldedSearchMixin,
    SiteAdministratorOnlyMixin,
    UnitScopedAdminMixin,
)
from motcua.units.models import Membership, MembershipScope, Unit, UnitLevel
from motcua.units.resources import UnitResource

User = get_user_model()


@admin.register(UnitLevel)
class UnitLevelAdmin(SiteAdministratorOnlyMixin, ModelAdmin):
    list_display = ["name", "code", "rank"]
    list_filter = ["rank"]
    search_fields = ["code", "name"]
    ordering = ["rank", "name"]


@admin.register(Unit)
class UnitAdmin(
    UnitScopedAdminMixin,
    FoldedSearchMixin,
    AtomicImportExportMixin,
    SimpleHistoryAdmin,
    ModelAdmin,
    ImportExportModelAdmin,
):
    unit_scope_field = "pk"
    resource_classes = [UnitResource]
    list_display = ["indented_name", "agency_code", "level", "parent", "is_active", "valid_to"]
    list_filter = ["level", "is_active", ("parent", AutocompleteSelectFilter)]
    list_filter_submit = True
    search_fields = ["agency_code", "name", "short_name"]
    list_select_related = ["level", "parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth", "former_identities"]
    ordering = ["path"]

    @display(description=_("tên, mã trước đây và đơn vị kế thừa"))
    def former_identities(self, obj: Unit):
        """The unit's history: former names and codes (dated), and the units it ended into."""
        from motcua.units.history import successor_chain

        if obj.pk is None:
            return "—"
        former = [
            f"{i.name} ({i.agency_code}) — đến {i.valid_to:%d/%m/%Y}"
            for i in obj.former_identities.order_by("valid_to")
        ]
        heirs = [f"→ {u.name} ({u.agency_code})" for u in successor_chain(obj)]
        return "; ".join(former + heirs) or "—"

    fieldsets = [
        (None, {"fields": ["agency_code", "name", "short_name", "level", "parent", "is_active"]}),
        (_("Hiệu lực"), {"fields": ["valid_from", "valid_to", "former_identities"]}),
        (_("Liên hệ"), {"fields": ["address", "phone", "email", "website"]}),
        (_("Vị trí trong cây"), {"fields": ["path", "depth"], "classes": ["collapse"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if (
            obj is not None
            and not admin_scope.is_site_administrator(request.user)
            and obj.parent_id not in admin_scope.administered_unit_ids(request.user)
        ):
            fields.append("parent")  # the top of a subtree is never moved by its own admin
        return fields

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


def _scope_choices(field, request):
    """A unit administrator never grants the whole-site scope (it reaches outside their subtree)."""
    if field is not None and field.choices and not admin_scope.is_site_administrator(request.user):
        field.choices = [c for c in field.choices if c[0] != MembershipScope.ALL]
    return field


class MembershipInline(TabularInline):
    """A user's memberships; a unit administrator sees and edits only those in their subtree."""

    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["unit", "role", "scope", "is_active"]
    autocomplete_fields = ["unit"]
    verbose_name = _("phân công")
    verbose_name_plural = _("phân công tại đơn vị")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if admin_scope.is_site_administrator(request.user):
            return queryset
        return queryset.filter(unit__in=admin_scope.administered_units(request.user))

    def _own_page(self, request, obj) -> bool:
        return obj is not None and obj.pk == request.user.pk

    def has_add_permission(self, request, obj=None):
        if self._own_page(request, obj) and not admin_scope.is_site_administrator(request.user):
            return False  # nobody grants themselves a role
        return super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if self._own_page(request, obj) and not admin_scope.is_site_administrator(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._own_page(request, obj) and not admin_scope.is_site_administrator(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        return _scope_choices(
            super().formfield_for_choice_field(db_field, request, **kwargs), request
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not admin_scope.is_site_administrator(request.user):
            if db_field.name == "unit":
                kwargs["queryset"] = admin_scope.administered_units(request.user)
            elif db_field.name == "role":
                kwargs["queryset"] = admin_scope.grantable_roles(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(UnitScopedAdminMixin, SimpleHistoryAdmin, ModelAdmin):
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

    def in_administered_scope(self, request, obj) -> bool:
        if admin_scope.is_site_administrator(request.user):
            return True
        return obj.user_id != request.user.pk and super().in_administered_scope(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        return _scope_choices(
            super().formfield_for_choice_field(db_field, request, **kwargs), request
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not admin_scope.is_site_administrator(request.user):
            kwargs["queryset"] = admin_scope.users_administered(
                request.user, User.objects.exclude(pk=request.user.pk)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not admin_scope.is_site_administrator(request.user) and (
            obj.user_id == request.user.pk
            or obj.unit_id not in admin_scope.administered_unit_ids(request.user)
            or not admin_scope.grantable_roles(request.user).filter(pk=obj.role_id).exists()
            or obj.scope == MembershipScope.ALL
        ):
            raise PermissionDenied  # the form's choices already refuse it; never trust them alone
        super().save_model(request, obj, form, change)
        record_membership_change(request, obj, "change" if change else "add")

    def delete_model(self, request, obj):
        record_membership_change(request, obj, "delete")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "unit", "role"):
            record_membership_change(request, membership, "delete")
        super().delete_queryset(request, queryset)


# The user and group pages in unfold's look (its documented pattern), plus memberships.
admin.site.unregister(User)
admin.site.unregister(Group)


#: User fields that grant access; a change of any is recorded in the security log.
ACCESS_FIELDS = ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]


def _access_value(user, field: str):
    value = getattr(user, field)
    if hasattr(value, "values_list"):
        return sorted(str(v) for v in value.values_list("pk", flat=True))
    return value


def record_membership_change(request, membership: Membership, action: str) -> None:
    """Record who granted, changed or withdrew which role where (the security log)."""
    security_event_record(
        kind=SecurityEventKind.MEMBERSHIP_CHANGE,
        user=membership.user,
        actor=request.user,
        request=request,
        data={
            "action": action,
            "membership": membership.pk,
            "unit": membership.unit.agency_code,
            "role": membership.role.name,
            "scope": membership.scope,
            "is_active": membership.is_active,
        },
    )


class UnitUserCreationForm(UserCreationForm):
    """A unit administrator's new account: it starts with a membership in their subtree.

    Staff status follows the role (a desk role makes a desk account); the administrator never sets
    it, nor superuser status, groups or permissions.
    """

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị"))
    role = forms.ModelChoiceField(queryset=Group.objects.none(), label=_("Vai trò"))

    def save(self, commit=True):
        user = super().save(commit=False)
        user.is_staff = self.cleaned_data["role"].name in STAFF_ROLES
        user.is_superuser = False
        if commit:
            user.save()
            self.save_membership(user)
        return user

    def save_membership(self, user) -> Membership:
        return Membership.objects.create(
            user=user, unit=self.cleaned_data["unit"], role=self.cleaned_data["role"]
        )


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    """User accounts; a unit administrator sees those of their subtree and edits no flag."""

    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    inlines = [MembershipInline]
    unit_fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Thông tin cá nhân"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Trạng thái"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    unit_add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2", "unit", "role"]}),
    ]

    def get_queryset(self, request):
        return admin_scope.users_administered(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or admin_scope.may_change_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or admin_scope.is_site_administrator(request.user))

    def get_fieldsets(self, request, obj=None):
        if admin_scope.is_site_administrator(request.user):
            return super().get_fieldsets(request, obj)
        return self.unit_add_fieldsets if obj is None else self.unit_fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not admin_scope.is_site_administrator(request.user):
            fields += ["last_login", "date_joined"]
            if obj is not None and obj.pk == request.user.pk:
                fields.append("is_active")
        return fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not admin_scope.is_site_administrator(request.user):
            kwargs["form"] = UnitUserCreationForm
            kwargs["fields"] = None
            form = super().get_form(request, obj, **kwargs)
            form.base_fields["unit"].queryset = admin_scope.administered_units(request.user)
            form.base_fields["role"].queryset = admin_scope.grantable_roles(request.user)
            return form
        return super().get_form(request, obj, **kwargs)

    def get_inlines(self, request, obj):
        return [] if obj is None else super().get_inlines(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and isinstance(form, UnitUserCreationForm):
            membership = form.save_membership(obj)  # the admin saves with commit=False
            record_membership_change(request, membership, "add")
        flags = [f for f in form.changed_data if f in ACCESS_FIELDS]
        if flags or not change:
            security_event_record(
                kind=SecurityEventKind.ACCOUNT_CHANGE,
                user=obj,
                actor=request.user,
                request=request,
                data={
                    "action": "change" if change else "add",
                    **{f: _access_value(obj, f) for f in flags or ACCESS_FIELDS[:3]},
                },
            )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            for membership in formset.new_objects:
                record_membership_change(request, membership, "add")
            for membership, _fields in formset.changed_objects:
                record_membership_change(request, membership, "change")
            for membership in formset.deleted_objects:
                record_membership_change(request, membership, "delete")


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
class GroupAdmin(SiteAdministratorOnlyMixin, BaseGroupAdmin, ModelAdmin):
    list_display = ["name", "role_label"]
    list_filter = [RoleKindFilter]

    def save_related(self, request, form, formsets, change):
        before = (
            set(form.instance.permissions.values_list("codename", flat=True)) if change else set()
        )
        super().save_related(request, form, formsets, change)
        after = set(form.instance.permissions.values_list("codename", flat=True))
        if before != after:
            role_change_record(
                form.instance,
                {"added": sorted(after - before), "removed": sorted(before - after)},
                request.user,
                request,
            )

    @display(description=_("tên vai trò"))
    def role_label(self, obj: Group):
        return Role(obj.name).label if obj.name in Role.values else "—"
