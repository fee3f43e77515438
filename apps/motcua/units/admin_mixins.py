"""Desk helpers shared by the catalogue admins (units, procedures).

Kept here until ``motcua.core`` grows a desk toolkit; nothing in them is specific to units.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from motcua.core.text import fold
from motcua.units import admin_scope


class FoldedSearchMixin:
    """Make the list search and autocomplete accent-insensitive through ``search_text``.

    Every word of the query, folded ("Đức" → "duc"), must occur in the row's ``search_text``; rows
    found by the ordinary ``search_fields`` are kept as well.
    """

    folded_search_field = "search_text"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = fold(search_term).split()
        if words:
            folded = Q()
            for word in words:
                folded &= Q(**{f"{self.folded_search_field}__contains": word})
            results = results | queryset.filter(folded)
        return results, may_have_duplicates


class AtomicImportExportMixin:
    """XLSX/CSV import-export with unfold's forms, where a file with a bad row saves nothing.

    The preview step already refuses a file with errors; this also covers the confirm step (the
    data may have changed in between): the whole file is rolled back and the desk says so instead
    of reporting success.
    """

    import_form_class = ImportForm
    export_form_class = ExportForm
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    import_error_display = ("message", "row")

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            rows = sorted(
                {row.number for row in result.invalid_rows}
                | {row.number for row in result.error_rows}
            )
            messages.error(
                request,
                _("Không nhập được tệp: dòng %(rows)s có lỗi; không có dòng nào được lưu.")
                % {"rows": ", ".join(str(n) for n in rows) or "?"},
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)


class UnitScopedAdminMixin:
    """Scope a desk page to units: the site administrator sees all, others their own units.

    ``unit_scope_field`` is the lookup from the model to its unit (``"pk"`` for units themselves,
    ``"unit"``, or a many-to-many such as ``"units"``). Rows are *read* in the units the user works
    in or administers, and *added, changed or deleted* only in the administered subtree (see
    :mod:`motcua.units.admin_scope`); every unit and role offered by a form is limited the same way.
    With a many-to-many scope field a row changes only when all its units are administered, so a
    procedure shared with another district stays that district's too.
    """

    unit_scope_field = "unit"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if admin_scope.is_site_administrator(request.user):
            return queryset
        units = admin_scope.readable_units(request.user).values("pk")
        if self.unit_scope_field == "pk":
            return queryset.filter(pk__in=units)
        # A subquery, not a join: a many-to-many scope field would repeat rows.
        in_scope = self.model._default_manager.filter(**{f"{self.unit_scope_field}__in": units})
        return queryset.filter(pk__in=in_scope.values("pk"))

    def _units_of(self, obj) -> set[int | None]:
        if self.unit_scope_field == "pk":
            return {obj.pk}
        value = getattr(obj, self.unit_scope_field)
        if hasattr(value, "all"):
            return set(value.values_list("pk", flat=True))
        return {getattr(obj, f"{self.unit_scope_field}_id", None)}

    def in_administered_scope(self, request, obj) -> bool:
        if admin_scope.is_site_administrator(request.user):
            return True
        units = self._units_of(obj)
        return bool(units) and units <= admin_scope.administered_unit_ids(request.user)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and (
            admin_scope.is_site_administrator(request.user)
            or bool(admin_scope.administered_unit_ids(request.user))
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.in_administered_scope(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.in_administered_scope(request, obj))

    def has_import_permission(self, request):
        # A file may name any unit: only the site administrator loads rows in bulk.
        return admin_scope.is_site_administrator(request.user) and super().has_import_permission(
            request
        )

    def _limit_choices(self, db_field, request, kwargs):
        if admin_scope.is_site_administrator(request.user):
            return kwargs
        from django.contrib.auth.models import Group

        from motcua.units.models import Unit

        if db_field.related_model is Unit and db_field.name not in self.unit_choices_unscoped:
            kwargs["queryset"] = admin_scope.administered_units(request.user)
            kwargs["required"] = True  # a row without a unit would fall outside every subtree
        elif db_field.related_model is Group:
            kwargs["queryset"] = admin_scope.grantable_roles(request.user)
        return kwargs

    #: Unit fields that may point outside the subtree (a unit consulted by a workflow step).
    unit_choices_unscoped: tuple[str, ...] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._limit_choices(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._limit_choices(db_field, request, kwargs)
        )


class SiteAdministratorOnlyMixin:
    """A page only the site administrator uses (roles, permissions, the security log)."""

    def has_module_permission(self, request):
        return admin_scope.is_site_administrator(request.user) and super().has_module_permission(
            request
        )

    def has_view_permission(self, request, obj=None):
        return admin_scope.is_site_administrator(request.user) and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request, *args):
        return admin_scope.is_site_administrator(request.user) and super().has_add_permission(
            request, *args
        )

    def has_change_permission(self, request, obj=None):
        return admin_scope.is_site_administrator(request.user) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return admin_scope.is_site_administrator(request.user) and super().has_delete_permission(
            request, obj
        )
