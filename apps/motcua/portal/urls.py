"""The portal's URLs, mounted at the site root (``path("", include("motcua.portal.urls"))``).

``/tra-cuu/<code>/`` is the address printed as a QR code on the legal forms: keep it stable.
"""

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from motcua.portal.views import account, apply, catalogue, dossier

app_name = "portal"

urlpatterns = [
    path("", catalogue.home_view, name="home"),
    path("favicon.ico", RedirectView.as_view(url=static("portal/favicon.svg"), permanent=True)),
    path("thu-tuc/", catalogue.catalogue_view, name="catalogue"),
    path("thu-tuc/<str:code>/", catalogue.procedure_view, name="procedure"),
    path("thu-tuc/<str:code>/mau/<int:index>/", catalogue.template_view, name="template"),
    path("thu-tuc/<str:code>/nop-ho-so/", apply.apply_view, name="apply"),
    path("tep/<uuid:pk>/", dossier.upload_view, name="upload"),
    path("tra-cuu/", dossier.lookup_view, name="lookup"),
    path("tra-cuu/<str:code>/", dossier.status_view, name="status"),
    path("tra-cuu/<str:code>/giay-to/<int:pk>/", dossier.document_view, name="document"),
    path("tra-cuu/<str:code>/ket-qua/", dossier.result_view, name="result"),
    path("tra-cuu/<str:code>/mau/<str:form>/", dossier.printed_form_view, name="printed_form"),
    path("tra-cuu/<str:code>/bo-sung/", dossier.supplement_view, name="supplement"),
    path("tra-cuu/<str:code>/rut-ho-so/", dossier.withdraw_view, name="withdraw"),
    path("tra-cuu/<str:code>/nhan-ket-qua/", dossier.delivery_view, name="delivery"),
    path("tra-cuu/<str:code>/danh-gia/", dossier.rate_view, name="rate"),
    path("tra-cuu/<str:code>/gan-tai-khoan/", dossier.link_view, name="link"),
    path("tai-khoan/", account.account_home_view, name="account"),
    path("tai-khoan/dang-ky/", account.signup_view, name="signup"),
    path("tai-khoan/xac-minh/<str:uidb64>/<str:token>/", account.verify_view, name="verify"),
    path("tai-khoan/dang-nhap/", account.PortalLoginView.as_view(), name="login"),
    path("tai-khoan/dang-xuat/", account.PortalLogoutView.as_view(), name="logout"),
    path("tai-khoan/quen-mat-khau/", account.password_reset, name="password_reset"),
    path(
        "tai-khoan/quen-mat-khau/da-gui/", account.password_reset_done, name="password_reset_done"
    ),
    path(
        "tai-khoan/dat-lai-mat-khau/<str:uidb64>/<str:token>/",
        account.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "tai-khoan/dat-lai-mat-khau/xong/",
        account.password_reset_complete,
        name="password_reset_complete",
    ),
    path("tai-khoan/ho-so-cua-toi/", account.my_dossiers_view, name="my_dossiers"),
    path("tai-khoan/ban-nhap/<int:pk>/xoa/", account.draft_delete_view, name="draft_delete"),
]
