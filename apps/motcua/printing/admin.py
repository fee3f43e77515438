"""Print templates in the desk: edit a copy of a form per site or unit, with a live preview.

The change form has a "Xem trước" button that posts the text being edited (saved or not) to the
preview view, which renders it on a sample dossier into the frame below the editor. A syntax or
render error is shown with its line number; saving is refused while the template does not
compile or fails on the sample data.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from motcua.printing import context as ctx
from motcua.printing import render, sandbox
from motcua.printing.models import PrintTemplate
from motcua.printing.registry import FORMS
from motcua.printing.samples import preview_data
from motcua.units import admin_scope
from motcua.units.models import Unit

#: The HTML preview is the author's markup: served as its own opaque origin (``sandbox`` without
#: ``allow-same-origin`` or ``allow-scripts``), so a script in a template never runs with the
#: desk's cookies, whoever opens it. Only inline styles and embedded images load.
PREVIEW_HTML_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "font-src data:; base-uri 'none'; form-action 'none'"
)


def _check_source(source: str, *, spec, user, unit) -> sandbox.TemplateProblem | None:
    """Compile *source* and render it on preview data; return the problem, if any."""
    try:
        data, _origin = preview_data(spec, user=user, unit=unit)
        render.render_source(source, data)
    except Exception as exc:  # noqa: BLE001 - any template failure is reported, not raised
        return sandbox.template_problem(exc)
    return None


class PrintTemplateForm(forms.ModelForm):
    class Meta:
        model = PrintTemplate
        fields = ["form_code", "unit", "title", "is_active", "body"]
        widgets = {
            "body": forms.Textarea(
                attrs={
                    "rows": 30,
                    "spellcheck": "false",
                    "class": "font-mono text-sm",
                    "style": "font-family: ui-monospace, monospace; width: 100%;",
                }
            )
        }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        cleaned = super().clean()
        code, body = cleaned.get("form_code"), cleaned.get("body")
        if code and body and self.request is not None:
            problem = _check_source(
                body, spec=FORMS[code], user=self.request.user, unit=cleaned.get("unit")
            )
            if problem is not None:
                self.add_error("body", _("Mẫu bị lỗi ở %(problem)s") % {"problem": problem})
        return cleaned


@admin.register(PrintTemplate)
class PrintTemplateAdmin(SimpleHistoryAdmin, ModelAdmin):
    form = PrintTemplateForm
    list_display = ["form_code", "title", "scope_label", "is_active", "updated_at", "updated_by"]
    list_filter = ["form_code", "is_active"]
    search_fields = ["title", "body", "unit__name", "unit__agency_code"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["updated_at", "updated_by"]
    change_form_after_template = "printing/admin/preview_panel.html"
    list_before_template = "printing/admin/defaults_panel.html"

    @admin.display(description=_("phạm vi"))
    def scope_label(self, obj):
        return obj.unit.name if obj.unit_id else _("Toàn hệ thống")

    # -- scope: site-wide templates are the site administrator's; unit ones the unit's admins' --

    def _admin_units(self, request):
        return admin_scope.administered_units(request.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("unit", "updated_by")
        if admin_scope.is_site_administrator(request.user):
            return qs
        return qs.filter(Q(unit__in=self._admin_units(request)) | Q(unit__isnull=True))

    def _site(self, request) -> bool:
        return admin_scope.is_site_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is not None and obj.unit_id is None and not self._site(request):
            return False
        return allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is not None and obj.unit_id is None and not self._site(request):
            return False
        return allowed

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        units = None if self._site(request) else self._admin_units(request)

        class RequestForm(base):
            def __init__(self, *args, **kw):
                kw["request"] = request
                super().__init__(*args, **kw)
                if units is not None and "unit" in self.fields:
                    self.fields["unit"].queryset = units
                    self.fields["unit"].required = True

        return RequestForm

    def get_changeform_initial_data(self, request):
        """A new template starts as a copy of the shipped default (``?form_code=01``)."""
        initial = super().get_changeform_initial_data(request)
        spec = FORMS.get(request.GET.get("form_code", ""))
        if spec is not None:
            initial.setdefault("title", spec.name)
            initial.setdefault("body", sandbox.default_source(spec.template_name))
        return initial

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    # -- preview ----------------------------------------------------------------------------------

    def get_urls(self):
        # The preview is shown in a frame of the change form: same-origin framing only.
        view = self.admin_site.admin_view(xframe_options_sameorigin(self.preview_view))
        return [
            path("preview/", view, name="printing_printtemplate_preview"),
            path(
                "<int:object_id>/preview/",
                view,
                name="printing_printtemplate_preview_saved",
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "preview_url": reverse("admin:printing_printtemplate_preview"),
            "variables": ctx.vocabulary(),
            "forms_list": list(FORMS.values()),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "forms_list": list(FORMS.values())}
        return super().changelist_view(request, extra_context)

    def preview_view(self, request, object_id=None):
        """Render a template on preview data: POSTed text, a saved template, or the default.

        Returns the PDF inline (``?format=html`` for HTML), or an HTML page naming the error and
        its line; never a server error.
        """
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        source, unit = None, None
        if object_id is not None:
            obj = self.get_queryset(request).filter(pk=object_id).first()
            if obj is None:
                raise Http404
            code, source, unit = obj.form_code, obj.body, obj.unit
        elif request.method == "POST":
            code, source = request.POST.get("form_code", ""), request.POST.get("body", "")
            unit_pk = request.POST.get("unit") or None
            if unit_pk:
                unit = Unit.objects.filter(pk=unit_pk).first()
                if unit is not None and not self._admin_units(request).filter(pk=unit.pk).exists():
                    unit = None
        else:
            code = request.GET.get("form_code", "")
        spec = FORMS.get(code)
        if spec is None:
            return self._preview_message(request, _("Hãy chọn biểu mẫu trước khi xem trước."))
        data, origin = preview_data(spec, user=request.user, unit=unit)
        try:
            if source is None:
                html = render.render_default(spec, data)
            else:
                html = render.render_source(source, data)
        except Exception as exc:  # noqa: BLE001 - shown to the administrator with its line
            return self._preview_message(
                request, _("Mẫu bị lỗi"), problem=sandbox.template_problem(exc), origin=origin
            )
        if request.GET.get("format") == "html":
            response = HttpResponse(html, content_type="text/html; charset=utf-8")
            response["Content-Security-Policy"] = PREVIEW_HTML_CSP
            response["X-Content-Type-Options"] = "nosniff"
            return response
        response = HttpResponse(render.html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="xem-truoc-mau-{spec.code}.pdf"'
        response["X-Preview-Data"] = "sample" if origin == "Dữ liệu mẫu" else "dossier"
        return response

    def _preview_message(self, request, message, *, problem=None, origin=""):
        return TemplateResponse(
            request,
            "printing/admin/preview_error.html",
            {"message": message, "problem": problem, "origin": origin},
        )
