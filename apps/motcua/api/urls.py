from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from motcua.api import views

app_name = "api"

urlpatterns = [
    path("v1/dossiers/", views.DossierList.as_view(), name="dossiers"),
    path("v1/dossiers/<str:code>/", views.DossierDetail.as_view(), name="dossier"),
    path("v1/procedures/", views.ProcedureList.as_view(), name="procedures"),
    path("v1/procedures/<str:code>/", views.ProcedureDetail.as_view(), name="procedure"),
    path("v1/units/", views.UnitList.as_view(), name="units"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
