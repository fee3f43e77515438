"""Public pages: home, the procedure catalogue, a procedure's page, its form templates."""

from __future__ import annotations

from django import forms
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from motcua.core.serving import file_response
from motcua.portal import selectors
from motcua.portal.pagecache import public_page
from motcua.procedures.models import OnlineLevel, Procedure
from motcua.procedures.selectors import procedure_pending_version


class CatalogueFilter(forms.Form):
    q = forms.CharField(label=_("Tên hoặc mã thủ tục"), required=False, max_length=200)
    sector = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    unit = forms.ChoiceField(label=_("Cơ quan thực hiện"), required=False)
    online_level = forms.ChoiceField(
        label=_("Mức độ trực tuyến"),
        required=False,
        choices=[("", _("Tất cả")), *OnlineLevel.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("Tất cả lĩnh vực"))] + [
            (s.code, s.name) for s in selectors.catalogue_sectors()
        ]
        self.fields["unit"].choices = [("", _("Tất cả cơ quan"))] + [
            (u.agency_code, u.name) for u in selectors.catalogue_units()
        ]


@require_GET
def home_view(request):
    return TemplateResponse(request, "portal/home.html", {"filter": CatalogueFilter()})


@require_GET
@public_page
def catalogue_view(request):
    form = CatalogueFilter(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    procedures = selectors.catalogue(
        query=data.get("q", ""),
        sector=data.get("sector", ""),
        unit=data.get("unit", ""),
        online_level=data.get("online_level", ""),
    )
    page = Paginator(procedures, 20).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return TemplateResponse(
        request,
        "portal/catalogue.html",
        {"filter": form, "page": page, "query": query.urlencode()},
    )


def _published(code: str):
    try:
        return selectors.procedure_public(code=code)
    except Procedure.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy thủ tục.")) from exc


@require_GET
@public_page
def procedure_view(request, code: str):
    procedure, version = _published(code)
    response = TemplateResponse(
        request,
        "portal/procedure.html",
        {
            "procedure": procedure,
            "version": version,
            "snapshot": version.snapshot,
            "units": selectors.procedure_units(procedure=procedure),
            "online": procedure.online_level != OnlineLevel.NONE,
        },
    )
    # A version published for later takes effect with no write: the cached page ends then.
    pending = procedure_pending_version(procedure=procedure)
    response.public_page_until = pending.effective_at if pending is not None else None
    return response


@require_GET
def template_view(request, code: str, index: int):
    """A document's blank form (mẫu đơn, tờ khai) as frozen in the current version: public."""
    procedure, version = _published(code)
    documents = version.snapshot.get("documents", [])
    if index >= len(documents) or not documents[index].get("template_file"):
        raise Http404(_("Không có mẫu đơn."))
    name = documents[index]["template_file"]
    if not default_storage.exists(name):
        raise Http404(_("Không có mẫu đơn."))
    return file_response(default_storage.open(name), fallback_name=name.rsplit("/", 1)[-1])
