"""Mounted at the site root: ``path("", include("motcua.ops.urls"))``."""

from django.urls import path

from motcua.ops import views

app_name = "ops"

urlpatterns = [
    path("health/live/", views.live_view, name="live"),
    path("health/ready/", views.ready_view, name="ready"),
    path("metrics", views.metrics_view, name="metrics"),
]
