"""The desk's URLs; the project mounts them with ``path("desk/", include("motcua.desk.urls"))``."""

from django.urls import path

from motcua.desk import views

app_name = "desk"

urlpatterns = [
    path("", views.worklist_view, name="worklist"),
    path("intake/", views.intake_view, name="intake"),
    path("receive/", views.counter_view, name="counter"),
    path("receive/procedures/", views.procedure_lookup, name="procedure_lookup"),
    path("search/", views.search_view, name="search"),
    path("dossiers/<int:pk>/", views.dossier_view, name="dossier"),
    path("dossiers/<int:pk>/act/<slug:action>/", views.dossier_act, name="act"),
    path("dossiers/<int:pk>/documents/<int:document_pk>/", views.document_file, name="document"),
    path("dossiers/<int:pk>/result/", views.result_file, name="result_file"),
    path(
        "dossiers/<int:pk>/consultations/<int:consultation_pk>/",
        views.consultation_file,
        name="consultation_file",
    ),
]
