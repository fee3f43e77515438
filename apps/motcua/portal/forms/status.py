"""The small forms of a dossier's status page: lookup, supplement, withdrawal, delivery, rating."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.core import uploads
from motcua.dossiers.models import Delivery
from motcua.portal.forms.base import PortalFormMixin
from motcua.portal.forms.fields import DocumentFileField
from motcua.portal.models import Score


class LookupForm(PortalFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=64,
        help_text=_("In trên giấy tiếp nhận, ví dụ 000.00.31.H27-250303-0001."),
        error_messages={"required": _("Vui lòng nhập mã hồ sơ.")},
    )
    proof = forms.CharField(
        label=_("Số điện thoại hoặc số định danh (CCCD) của người nộp"),
        max_length=20,
        error_messages={
            "required": _("Vui lòng nhập số điện thoại hoặc số định danh của người nộp.")
        },
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_proof(self):
        return self.cleaned_data["proof"].strip()  # compared by motcua.core.identity's rules


class SupplementForm(PortalFormMixin, forms.Form):
    """One file per requested item, and a note; at least one of them."""

    note = forms.CharField(
        label=_("Ghi chú gửi cán bộ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, items: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for index, item in enumerate(items):
            self.fields[f"item_{index}"] = DocumentFileField(label=item, required=False)

    def clean(self):
        data = super().clean()
        files = self.files_by_item()
        if not files and not (data.get("note") or "").strip():
            raise ValidationError(
                _("Vui lòng tải lên ít nhất một tệp bổ sung hoặc ghi nội dung bổ sung.")
            )
        try:
            uploads.check_total(f.size for f in files.values())
        except ValidationError as exc:
            self.add_error(None, exc)
        return data

    def files_by_item(self) -> dict:
        data = getattr(self, "cleaned_data", {}) or {}
        return {
            item[:400]: data[f"item_{i}"]
            for i, item in enumerate(self.items)
            if data.get(f"item_{i}")
        }


class WithdrawForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng ghi lý do rút hồ sơ.")},
    )
    confirm = forms.BooleanField(
        label=_("Tôi hiểu rằng hồ sơ đã rút sẽ không được tiếp tục giải quyết."),
        error_messages={"required": _("Vui lòng xác nhận việc rút hồ sơ.")},
    )


class DeliveryForm(PortalFormMixin, forms.Form):
    delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn hình thức nhận kết quả.")},
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"), max_length=300, required=False
    )

    def __init__(self, *args, online: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(Delivery.COUNTER, Delivery.COUNTER.label), (Delivery.POST, Delivery.POST.label)]
        if online:
            choices.insert(0, (Delivery.ONLINE, Delivery.ONLINE.label))
        self.fields["delivery"].choices = choices

    def clean(self):
        data = super().clean()
        if (
            data.get("delivery") == Delivery.POST
            and not (data.get("delivery_address") or "").strip()
        ):
            self.add_error(
                "delivery_address", _("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")
            )
        return data


class RatingForm(PortalFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng của ông/bà"),
        choices=Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn mức độ hài lòng.")},
    )
    comment = forms.CharField(
        label=_("Góp ý (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
