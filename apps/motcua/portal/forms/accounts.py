"""Citizen accounts: sign-up, login with an e-mail or a phone number, password reset."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.core.identity import (
    IdNumberField,
    PhoneField,
    TaxCodeField,
    normalize_phone,
    phone_is_valid,
)
from motcua.dossiers.models import ApplicantKind
from motcua.mailbox.backends import mail_leaves_the_site
from motcua.portal.forms.base import PortalFormMixin


class SignupForm(PortalFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại tài khoản"),
        choices=ApplicantKind.choices,
        widget=forms.RadioSelect,
        initial=ApplicantKind.INDIVIDUAL,
    )
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vui lòng nhập họ và tên.")},
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        help_text=_("Nhập thư điện tử hoặc số điện thoại (hoặc cả hai) để đăng nhập."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    phone = PhoneField(label=_("Số điện thoại"), required=False)
    id_number = IdNumberField(label=_("Số định danh cá nhân (CCCD)"), required=False)
    organisation_name = forms.CharField(
        label=_("Tên tổ chức, doanh nghiệp"),
        max_length=300,
        required=False,
        help_text=_("Chỉ với tài khoản tổ chức."),
    )
    tax_code = TaxCodeField(
        label=_("Mã số thuế"),
        required=False,
        help_text=_("Chỉ với tài khoản tổ chức: 10 chữ số, hoặc dạng 0100109106-001."),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 8 ký tự, không toàn chữ số, không quá giống thông tin cá nhân."),
        error_messages={"required": _("Vui lòng nhập mật khẩu.")},
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Vui lòng nhập lại mật khẩu.")},
    )

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        user_model = get_user_model()
        if email and (
            user_model.objects.filter(username__iexact=email).exists()
            or user_model.objects.filter(email__iexact=email).exists()
        ):
            raise ValidationError(_("Thư điện tử này đã được dùng cho một tài khoản khác."))
        return email

    def clean_phone(self):
        from motcua.portal.models import CitizenProfile

        phone = self.cleaned_data.get("phone") or ""
        if phone and (
            CitizenProfile.objects.filter(phone=phone).exists()
            or get_user_model().objects.filter(username=phone).exists()
        ):
            raise ValidationError(_("Số điện thoại này đã được dùng cho một tài khoản khác."))
        return phone

    def clean(self):
        data = super().clean()
        if (
            not data.get("email")
            and not data.get("phone")
            and not {"email", "phone"} & set(self.errors)
        ):
            self.add_error("email", _("Vui lòng nhập thư điện tử hoặc số điện thoại."))
        if data.get("kind") == ApplicantKind.ORGANISATION:
            if not data.get("organisation_name"):
                self.add_error("organisation_name", _("Vui lòng nhập tên tổ chức, doanh nghiệp."))
            if not data.get("tax_code") and "tax_code" not in self.errors:
                self.add_error("tax_code", _("Vui lòng nhập mã số thuế của tổ chức."))
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai mật khẩu không khớp nhau."))
        elif first:
            probe = get_user_model()(
                username=data.get("email") or data.get("phone") or "",
                email=data.get("email") or "",
                first_name=data.get("full_name") or "",
            )
            try:
                password_validation.validate_password(first, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def resolve_login(identifier: str) -> str:
    """Return the username for what a citizen types to log in: an e-mail or a phone number."""
    from motcua.portal.models import CitizenProfile

    text = (identifier or "").strip()
    if "@" in text:
        user = get_user_model().objects.filter(email__iexact=text).order_by("pk").first()
        return user.get_username() if user else text.lower()
    phone = normalize_phone(text)
    if phone_is_valid(phone):
        profile = CitizenProfile.objects.filter(phone=phone).select_related("user").first()
        return profile.user.get_username() if profile else phone
    return text


class LoginForm(PortalFormMixin, AuthenticationForm):
    """Log in with an e-mail address or a phone number (or a desk username)."""

    error_messages = {
        "invalid_login": _("Thông tin đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _(
            "Tài khoản chưa được kích hoạt: vui lòng mở liên kết xác minh trong thư điện tử "
            "đã gửi cho ông/bà."
        ),
    }

    @classmethod
    def _inactive_message(cls) -> str:
        """Where the verification link is: the citizen's mailbox only if mail leaves the site
        (the embedded default keeps it for the desk's "Thư đã gửi" page, issue 12 item 1)."""
        if mail_leaves_the_site():
            return cls.error_messages["inactive"]
        return _(
            "Tài khoản chưa được kích hoạt: cổng này chưa gửi thư ra ngoài, thư xác minh được lưu "
            "ở trang “Thư đã gửi” của bàn làm việc; quản trị viên chuyển liên kết kích hoạt cho "
            "ông/bà."
        )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Thư điện tử hoặc số điện thoại")
        self.fields["username"].error_messages["required"] = _(
            "Vui lòng nhập thư điện tử hoặc số điện thoại."
        )
        self.fields["password"].label = _("Mật khẩu")
        self.fields["password"].error_messages["required"] = _("Vui lòng nhập mật khẩu.")

    def clean(self):
        if self.cleaned_data.get("username"):
            username = resolve_login(self.cleaned_data["username"])
            user = get_user_model().objects.filter(username=username).first()
            password = self.cleaned_data.get("password") or ""
            if user is not None and not user.is_active and user.check_password(password):
                raise ValidationError(self._inactive_message(), code="inactive")
            self.cleaned_data["username"] = username
        return super().clean()


class PortalPasswordResetForm(PortalFormMixin, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Thư điện tử của tài khoản")
        self.fields["email"].error_messages = {
            "required": _("Vui lòng nhập thư điện tử."),
            "invalid": _("Địa chỉ thư điện tử không hợp lệ."),
        }


class PortalSetPasswordForm(PortalFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
        self.fields["new_password1"].help_text = _("Ít nhất 8 ký tự, không toàn chữ số.")
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": _("Hai mật khẩu không khớp nhau."),
        }
