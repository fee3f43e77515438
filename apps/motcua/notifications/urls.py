"""Mounted with ``path("desk/notifications/", include("motcua.notifications.urls"))``."""

from django.urls import path

from motcua.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("read/", views.read_view, name="read"),
    path("contact/", views.contact_view, name="contact"),
]
