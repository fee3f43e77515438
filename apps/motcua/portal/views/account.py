"""Citizen accounts: sign-up (e-mail or phone), e-mail verification, login, password reset, and
"Hồ sơ của tôi". Desk accounts log in at the desk; the portal never makes anyone staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.site_urls import public_link, public_url
from motcua.mailbox.backends import mail_leaves_the_site
from motcua.portal import selectors, services
from motcua.portal.forms import (
    LoginForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
    SignupForm,
)
from motcua.portal.models import Draft
from motcua.portal.session import draft_token
from motcua.portal.tokens import email_verification_token
from motcua.portal.views.common import portal_login_required


def verification_url(request, user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    return public_link(reverse("portal:verify", args=[uid, token]), request)


@require_GET
def account_home_view(request):
    """``/tai-khoan/``: the account's own page for a signed-in citizen, else the ways in."""
    if request.user.is_authenticated:
        return redirect("portal:my_dossiers")
    return TemplateResponse(request, "portal/account/home.html")


@require_http_methods(["GET", "POST"])
def signup_view(request):
    if request.user.is_authenticated:
        return redirect("portal:my_dossiers")
    form = SignupForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return TemplateResponse(
            request,
            "portal/account/signup.html",
            {"form": form},
            status=400 if request.method == "POST" else 200,
        )
    data = form.cleaned_data
    try:
        user = services.account_signup(
            kind=data["kind"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            password=data["password1"],
            id_number=data.get("id_number", ""),
            organisation_name=data.get("organisation_name", ""),
            tax_code=data.get("tax_code", ""),
        )
    except services.PortalError as exc:
        form.add_error(None, str(exc))
        return TemplateResponse(request, "portal/account/signup.html", {"form": form}, status=400)
    if user.email:
        sent = services.account_send_verification(user=user, url=verification_url(request, user))
        return TemplateResponse(
            request,
            "portal/account/signup_done.html",
            {
                "email": user.email,
                "sent": sent,
                "delivered": sent and mail_leaves_the_site(),
            },
        )
    login(request, user)
    services.drafts_adopt(user=user, token=draft_token(request))
    messages.success(request, _("Đăng ký thành công. Chào mừng ông/bà đến với cổng dịch vụ công."))
    return redirect("portal:my_dossiers")


@require_GET
def verify_view(request, uidb64: str, token: str):
    try:
        user = get_user_model().objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        user = None
    if user is None or user.is_staff or not email_verification_token.check_token(user, token):
        return TemplateResponse(request, "portal/account/verify_failed.html", status=400)
    services.account_verify(user=user)
    login(request, user)
    services.drafts_adopt(user=user, token=draft_token(request))
    messages.success(request, _("Đã xác minh thư điện tử. Tài khoản của ông/bà đã được kích hoạt."))
    return redirect("portal:my_dossiers")


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("portal:my_dossiers")

    def form_valid(self, form):
        token = draft_token(self.request)
        response = super().form_valid(form)
        services.drafts_adopt(user=form.get_user(), token=token)
        return response


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal:home")


class PortalPasswordResetView(auth_views.PasswordResetView):
    """The reset mail's link is on the site's public address (``core/site_urls.py``)."""

    def form_valid(self, form):
        self.extra_email_context = {"site_url": public_url(self.request)}
        return super().form_valid(form)


password_reset = PortalPasswordResetView.as_view(
    template_name="portal/account/password_reset_form.html",
    email_template_name="portal/email/password_reset.txt",
    subject_template_name="portal/email/password_reset_subject.txt",
    form_class=PortalPasswordResetForm,
    success_url=reverse_lazy("portal:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/account/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="portal/account/password_reset_confirm.html",
    form_class=PortalSetPasswordForm,
    success_url=reverse_lazy("portal:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="portal/account/password_reset_complete.html"
)


@require_GET
@portal_login_required
def my_dossiers_view(request):
    return TemplateResponse(
        request,
        "portal/account/my_dossiers.html",
        {
            "dossiers": selectors.my_dossiers(user=request.user)[:200],
            "drafts": selectors.my_drafts(user=request.user),
        },
    )


@require_POST
@portal_login_required
def draft_delete_view(request, pk: int):
    draft = Draft.objects.filter(pk=pk, user=request.user).first()
    if draft is not None:
        services.draft_discard(draft=draft)
        messages.success(request, _("Đã xóa bản nháp."))
    return redirect("portal:my_dossiers")
