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
