"""Mounted at the site root: ``path("", include("motcua.jobs.urls"))``."""

from django.urls import path

from motcua.jobs import views

app_name = "jobs"

urlpatterns = [
    path("desk/jobs/", views.monitor_view, name="monitor"),
    path("health/jobs/", views.health_view, name="health"),
    path("desk/jobs/tasks/<int:pk>/", views.task_view, name="task"),
    path("desk/jobs/tasks/<int:pk>/file/", views.task_file_view, name="task_file"),
]
