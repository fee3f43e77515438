"""Desk pages of the site's dossier data: code patterns and the legacy import (site administrators).

* "Cấu trúc mã hồ sơ": the versioned code patterns (``services/codes.py``); a row is never
  deleted (its codes exist), a new pattern is a new row from a later day.
* "Nhập hồ sơ từ hệ thống cũ": upload an XLSX or CSV export (docs/legacy-import.md); the page
  calls ``dossiers_import`` and shows the record with its row-level errors. The records hold the
  file's applicant data in their errors, so only site administrators open them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from motcua.dossiers.models import CodePattern, DossierImport, ImportStatus
from motcua.dossiers.services import dossiers_import
from motcua.units.admin_scope import is_site_administrator


class SiteAdministratorOnly:
    def has_module_permission(self, request):
        return is_site_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CodePattern)
class CodePatternAdmin(SiteAdministratorOnly, SimpleHistoryAdmin, ModelAdmin):
    list_display = ["valid_from", "template", "agency", "system_digits", "min_digits"]
    fields = ["valid_from", "template", "agency", "system_digits", "min_digits", "legal_basis"]

    def has_add_permission(self, request):
        return is_site_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_site_administrator(request.user)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp xuất từ hệ thống cũ (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    source_system = forms.CharField(label=_("Hệ thống nguồn"), max_length=200, required=False)


@admin.register(DossierImport)
class DossierImportAdmin(SiteAdministratorOnly, ModelAdmin):
    list_display = ["created_at", "file_name", "source_system", "status", "rows", "imported"]
    list_filter = ["status"]
    fields = [
        "file_name",
        "source_system",
        "status",
        "rows",
        "imported",
        "created_by",
        "created_at",
        "sha256",
        "errors_table",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return is_site_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("lỗi theo dòng"))
    def errors_table(self, obj):
        from django.utils.html import format_html_join

        if not obj.errors:
            return "—"
        return format_html_join(
            "\n",
            "<div>{} {}: {}</div>",
            (
                (
                    _("dòng") if e["row"] else _("tệp"),
                    e["row"] or "",
                    f"[{e['column']}] {e['message']}",
                )
                for e in obj.errors
            ),
        )

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="dossiers_dossierimport_upload",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:dossiers_dossierimport_upload"))

    def upload_view(self, request):
        """Upload a file, import it (all or nothing) and show its record."""
        if not is_site_administrator(request.user):
            return HttpResponseRedirect(reverse("admin:index"))
        form = ImportForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                upload = form.cleaned_data["file"]
                record = dossiers_import(
                    user=request.user,
                    handle=upload.file,
                    file_name=upload.name,
                    source_system=form.cleaned_data["source_system"],
                )
                if record.status == ImportStatus.IMPORTED:
                    messages.success(request, _("Đã nhập %(n)s hồ sơ.") % {"n": record.imported})
                else:
                    messages.error(
                        request,
                        _("Tệp có %(n)s lỗi; không có hồ sơ nào được lưu.")
                        % {"n": len(record.errors)},
                    )
                return HttpResponseRedirect(
                    reverse("admin:dossiers_dossierimport_change", args=[record.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Nhập hồ sơ từ hệ thống cũ"),
            "opts": self.model._meta,
            "form": form,
        }
        return render(request, "admin/dossiers/dossierimport/upload.html", context, status=status)
