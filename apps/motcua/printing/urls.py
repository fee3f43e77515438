"""Print URLs; the project mounts them with ``path("print/", include("motcua.printing.urls"))``."""

from django.urls import path

from motcua.printing import views

app_name = "printing"

urlpatterns = [
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/pdf/", views.ledger_pdf, name="ledger_pdf"),
    path("dossiers/<int:pk>/result/", views.dossier_result, name="dossier_result"),
    path("dossiers/<int:pk>/<str:code>/", views.dossier_form, name="dossier_form"),
]
