"""Payment URLs; the project mounts them at the root: ``path("", include(...))``.

``/thanh-toan/<provider>/return/`` and ``/thanh-toan/<provider>/ipn/`` come before the sandbox
page so that ``/thanh-toan/sandbox/return/`` is the sandbox's return, not an order reference.
The IPN URL is the one to register at VNPay: ``https://<host>/thanh-toan/vnpay/ipn/``.
"""

from django.urls import path

from motcua.integrations import views

app_name = "integrations"

urlpatterns = [
    path("thanh-toan/<slug:provider>/return/", views.payment_return_view, name="return"),
    path("thanh-toan/<slug:provider>/ipn/", views.payment_ipn_view, name="ipn"),
    path("thanh-toan/sandbox/<slug:order_ref>/", views.sandbox_pay_view, name="sandbox_pay"),
    path("thanh-toan/<str:dossier_code>/bat-dau/", views.payment_start_view, name="start"),
]
