"""Mounted by motcua at ``/plugins/postal/`` (hook ``urls``)."""

from django.urls import path

from motcua_postal import views

app_name = "postal"
urlpatterns = [
    path("", views.pending_view, name="pending"),
    path("<int:pk>/send/", views.send_view, name="send"),
]
