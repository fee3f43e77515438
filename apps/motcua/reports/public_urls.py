"""The public transparency page, mounted by the project at ``cong-khai-tien-do/`` (no login)."""

from django.urls import path

from motcua.reports import views

app_name = "public_reports"

urlpatterns = [path("", views.public_view, name="progress")]
