"""The REST API (``/api/v1/``): dossiers in the reader's scope, the public catalogue and units.

Every dossier read goes through :func:`motcua.dossiers.selectors.dossiers_visible` (the unit
scope of docs/architecture.md): an integration account is an ordinary user with memberships, so
it reads exactly what that person would read in the desk; a citizen reads their own dossiers. A
dossier outside the scope answers 404, as in the desk. The catalogue and the unit list are public,
as on the portal. Authentication: a session (the desk's login) or a token issued by a site
administrator (``Authorization: Token …``). The OpenAPI schema is at ``/api/schema/``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api import serializers as s
from motcua.api.filters import DossierQuery, dossier_query_apply
from motcua.api.pagination import NewestFirstCursor
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_visible, scope_unit_ids
from motcua.portal.selectors import catalogue, procedure_public
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

_RELATED = ("procedure", "unit", "current_unit")


def _reader_is_staff(user) -> bool:
    """Staff in scope see the internal record; anyone else (a citizen) the public part only."""
    return bool(user.is_superuser or scope_unit_ids(user=user))


@extend_schema(
    parameters=[
        OpenApiParameter(name, OpenApiTypes.STR, description=str(field.label))
        for name, field in DossierQuery.base_fields.items()
    ]
)
class DossierList(generics.ListAPIView):
    """Dossiers in the reader's scope, newest first, filtered by the query parameters."""

    serializer_class = s.DossierSummarySerializer
    pagination_class = NewestFirstCursor

    def get_queryset(self) -> QuerySet[Dossier]:
        rows = dossiers_visible(user=self.request.user)
        # The page's query reads the dossier table alone, so MariaDB walks the primary key and
        # stops at the page (joined, it started from the procedures and sorted the whole scope:
        # 26 s at 505,000 dossiers); the page's procedures and units are read by id afterwards.
        return dossier_query_apply(rows, self.request.query_params).prefetch_related(*_RELATED)


class DossierDetail(generics.RetrieveAPIView):
    """One dossier by its code; 404 outside the reader's scope."""

    serializer_class = s.DossierDetailSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Dossier]:
        return dossiers_visible(user=self.request.user).select_related(*_RELATED)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": _reader_is_staff(self.request.user)}


class _CataloguePage(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema(
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description="từ khóa (không dấu cũng được)"),
        OpenApiParameter("sector", OpenApiTypes.STR, description="mã lĩnh vực"),
        OpenApiParameter("unit", OpenApiTypes.STR, description="mã đơn vị"),
        OpenApiParameter("online_level", OpenApiTypes.STR, description="mức dịch vụ trực tuyến"),
    ]
)
class ProcedureList(generics.ListAPIView):
    """The public catalogue: active, published procedures, as on the portal."""

    permission_classes = [AllowAny]
    serializer_class = s.ProcedureSerializer
    pagination_class = _CataloguePage

    def get_queryset(self):
        p = self.request.query_params
        return catalogue(
            query=p.get("q", ""),
            sector=p.get("sector", ""),
            unit=p.get("unit", ""),
            online_level=p.get("online_level", ""),
        ).select_related("sector")


class ProcedureDetail(APIView):
    """One published procedure as its current version states it (documents, fees, units)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, code: str):
        try:
            procedure, version = procedure_public(code=code)
        except Procedure.DoesNotExist as exc:  # unknown, inactive or never published
            raise Http404 from exc
        snapshot = version.snapshot
        return Response(
            {
                **s.ProcedureSerializer(procedure).data,
                "version": version.number,
                "published_at": version.created_at,
                "documents": [
                    {k: d.get(k) for k in ("name", "originals", "copies", "is_mandatory")}
                    for d in snapshot.get("documents", [])
                ],
                "fees": snapshot.get("fees", []),
                "units": snapshot.get("units", []),
            }
        )


class UnitList(generics.ListAPIView):
    """The province's active units (agency code, name, parent, level)."""

    permission_classes = [AllowAny]
    serializer_class = s.UnitSerializer
    pagination_class = _CataloguePage

    def get_queryset(self):
        return (
            Unit.objects.filter(is_active=True).select_related("parent", "level").order_by("path")
        )
