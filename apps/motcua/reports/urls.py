"""URLs of the reporting side, mounted under ``desk/reports/``."""

from django.urls import path

from motcua.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("dossiers/", views.dossiers_view, name="dossiers"),
    path("builder/", views.builder_view, name="builder"),
    path("builder/save/", views.builder_save, name="builder_save"),
    path("builder/export/<slug:fmt>/", views.builder_export, name="builder_export"),
]
urlpatterns += [
    path("officers/<int:pk>/", views.officer_view, name="officer"),
    path("ledger.xlsx", views.ledger_xlsx_view, name="ledger_xlsx"),
]
