"""Forms of the desk pages: they parse input; the services decide and change (docs/architecture.md: services write, selectors read).

Widgets get django-unfold's Tailwind classes so the desk looks like the admin. Each action form
carries the dossier ``version`` the officer saw, for optimistic concurrency.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from unfold.widgets import CHECKBOX_CLASSES, INPUT_CLASSES, SELECT_CLASSES, TEXTAREA_CLASSES

from motcua.core.identity import IdNumberField, PhoneField, TaxCodeField
from motcua.core.people import person_name
from motcua.core.uploads import UploadField
from motcua.core.widgets import DayInput, MomentInput
from motcua.desk import selectors
from motcua.dossiers.models import ApplicantKind, Channel, ConsultationVerdict, Delivery
from motcua.dossiers.workflow import (
    WorkflowError,
    first_step_index,
    next_step_index,
    step_unit,
    workflow_steps,
)
from motcua.portal.forms import DossierForm
from motcua.portal.models import FieldKind
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

#: The carrier offered first for a postal return (Bưu chính công ích, Quyết định 45/2016/QĐ-TTg).
DEFAULT_CARRIER = "Bưu điện Việt Nam (VNPost)"

_CLASSES = {
    forms.Select: SELECT_CLASSES,
    forms.SelectMultiple: SELECT_CLASSES,
    forms.Textarea: TEXTAREA_CLASSES,
    forms.CheckboxInput: CHECKBOX_CLASSES,
    forms.RadioSelect: [],
    forms.ClearableFileInput: [],
    forms.FileInput: [],
    forms.HiddenInput: [],
}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


def style_for_desk(fields) -> None:
    """Give each field's widget unfold's classes (inputs, selects, checkboxes…)."""
    for field in fields.values():
        widget = field.widget
        classes = next((c for kind, c in _CLASSES.items() if type(widget) is kind), INPUT_CLASSES)
        if classes:
            widget.attrs["class"] = " ".join(classes)


class DeskForm(forms.Form):
    """A form whose widgets carry unfold's classes; ``template_name`` renders labelled fields."""

    template_name = "desk/includes/form_fields.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_for_desk(self.fields)

    @property
    def top_errors(self) -> list[str]:
        """Errors shown above the fields: the form's own and those of hidden fields (version)."""
        errors = list(self.non_field_errors())
        for field in self.hidden_fields():
            errors.extend(field.errors)
        return errors


# --------------------------------------------------------------------------- lists


class WorklistFilterForm(DeskForm):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"), queryset=None, required=False, empty_label=_("Tất cả đơn vị")
    )
    officer = PersonChoiceField(
        label=_("Cán bộ xử lý"), queryset=None, required=False, empty_label=_("Tất cả cán bộ")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.worklist_units(user=user)
        if selectors.supervises(user=user):
            self.fields["officer"].queryset = selectors.worklist_officers(user=user)
        else:
            # Others may only narrow the list to what is assigned to themselves.
            self.fields["officer"].queryset = get_user_model().objects.filter(pk=user.pk)


class SearchForm(DeskForm):
    q = forms.CharField(
        label=_("Mã hồ sơ, tên người nộp, số định danh hoặc số điện thoại"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}),
    )


# --------------------------------------------------------------------------- reception counter


class CounterPickForm(DeskForm):
    """Which unit receives and which procedure: the first part of the counter page (GET)."""

    unit = forms.ModelChoiceField(label=_("Đơn vị tiếp nhận"), queryset=None, empty_label=None)
    q = forms.CharField(
        label=_("Tìm thủ tục theo mã hoặc tên"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "list": "procedure-options", "autocomplete": "off"}
        ),
    )
    procedure = forms.ModelChoiceField(
        queryset=Procedure.objects.filter(is_active=True),
        required=False,
        widget=forms.HiddenInput,
    )
    competent = forms.ModelChoiceField(
        label=_("Cơ quan có thẩm quyền giải quyết"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text=_(
            "Thủ tục tiếp nhận không phụ thuộc địa giới hành chính (NĐ 118/2025/NĐ-CP): chọn "
            "đơn vị giải quyết hồ sơ."
        ),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].initial = units.first()

    def clean(self):
        """Check the procedure is received here; the competent unit defaults to this unit.

        A centre may receive a boundary-free procedure for another unit (``dossiers/boundary.py``);
        the officer then picks the competent unit among :func:`counter_competent_units`.
        """
        data = super().clean()
        unit, procedure = data.get("unit"), data.get("procedure")
        if not (unit and procedure):
            return data
        offered = selectors.counter_competent_units(unit=unit, procedure=procedure)
        if not offered.exists():
            self.add_error(
                "q",
                _("%(unit)s không tiếp nhận thủ tục “%(name)s”.")
                % {"unit": unit, "name": procedure.name},
            )
            data["procedure"] = None
            return data
        competent = data.get("competent")
        if competent is None and offered.filter(pk=unit.pk).exists():
            data["competent"] = unit
        elif competent is None or not offered.filter(pk=competent.pk).exists():
            # not an error before the reception form is posted: the choice is on that form
            data["competent"] = None
        return data

    def competent_choices(self, unit, procedure) -> None:
        """Offer the competent units of *procedure* at *unit*'s counter (none: not needed)."""
        self.fields["competent"].queryset = selectors.counter_competent_units(
            unit=unit, procedure=procedure
        )

    def resolve(self):
        """Return (unit, procedure, matches): the chosen procedure, or the search results.

        A search with a single match, or matching one procedure's code exactly, picks it, so
        typing a code and pressing Enter is enough.
        """
        if not self.is_bound:
            return self.fields["unit"].initial, None, []
        if not self.is_valid():
            return self.cleaned_data.get("unit"), None, []
        unit, procedure, query = (self.cleaned_data[k] for k in ("unit", "procedure", "q"))
        if procedure is not None or not query.strip():
            return unit, procedure, []
        matches = selectors.counter_procedures(unit=unit, query=query)
        exact = [p for p in matches if p.national_code == query.strip()]
        if len(matches) == 1 or len(exact) == 1:
            return unit, (exact or matches)[0], []
        return unit, None, matches


class CounterDeclarationForm(DossierForm):
    """The procedure's generated form (tờ khai) filled at the counter.

    It *is* the portal's form (``motcua.portal.forms.DossierForm``): the same fields from the
    version snapshot, the same show-if conditions, the same validation and the same values saved
    as ``form_data``, so conditional routing ("dien_tich_san > 500") applies to counter dossiers
    too. Only the portal's own parts are left out: applicant, delivery and uploads (the counter
    has its own fields for those) and file-kind fields (the paper is in the officer's hands).
    A field the procedure marks optional may stay empty; a required one must be filled.
    """

    prefix = "tk"
    template_name = "desk/includes/form_fields.html"

    def __init__(self, *args, spec: dict, **kwargs):
        declared = [item for item in spec["fields"] if item["kind"] != FieldKind.FILE]
        super().__init__(
            *args,
            spec={"fields": declared, "documents": []},
            units=Unit.objects.none(),
            online_level="",
            **kwargs,
        )
        keep = {name for name, _item in self.spec_fields}
        for name in [n for n in self.fields if n not in keep]:
            del self.fields[name]
        style_for_desk(self.fields)

    def clean(self):
        # The portal's checks of its applicant, delivery and upload parts do not apply here.
        data = forms.Form.clean(self)
        data.setdefault("applicant_kind", ApplicantKind.INDIVIDUAL)  # read by form_values()
        return data


class ReceiveForm(DeskForm):
    """Applicant, checklist of required documents (from the version snapshot), channel, delivery."""

    applicant_kind = forms.ChoiceField(
        label=_("Người nộp là"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(
        label=_("Họ và tên người nộp / tên tổ chức"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    applicant_id_number = IdNumberField(label=_("Số định danh cá nhân / CCCD"), required=False)
    applicant_tax_code = TaxCodeField(label=_("Mã số thuế (tổ chức)"), required=False)
    applicant_phone = PhoneField(label=_("Số điện thoại"), required=False)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    channel = forms.TypedChoiceField(
        label=_("Hình thức nộp"),
        choices=[(c.value, c.label) for c in (Channel.IN_PERSON, Channel.POSTAL)],
        coerce=int,
        initial=Channel.IN_PERSON,
    )
    delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"), choices=Delivery.choices, initial=Delivery.COUNTER
    )

    def __init__(self, *args, documents: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = documents
        for i, doc in enumerate(documents):
            self.fields[f"doc_{i}"] = forms.BooleanField(
                label=doc["name"],
                required=False,
                widget=forms.CheckboxInput(attrs={"class": " ".join(CHECKBOX_CLASSES)}),
            )
            self.fields[f"file_{i}"] = UploadField(
                label=_("Tệp scan của “%(name)s”") % {"name": doc["name"]}, required=False
            )

    def clean(self):
        data = super().clean()
        if data.get("applicant_kind") == ApplicantKind.ORGANISATION and not data.get(
            "applicant_tax_code"
        ):
            self.add_error("applicant_tax_code", _("Tổ chức, doanh nghiệp cần có mã số thuế."))
        return data

    @property
    def checklist(self):
        return [(doc, self[f"doc_{i}"], self[f"file_{i}"]) for i, doc in enumerate(self.documents)]

    @property
    def applicant_fields(self):
        return [self[name] for name in self.fields if name.startswith("applicant_")]

    def service_kwargs(self) -> dict:
        """Return the keyword arguments of ``dossier_receive`` from the cleaned data."""
        data = self.cleaned_data
        return {
            "applicant": {k: v for k, v in data.items() if k.startswith("applicant_")},
            "channel": data["channel"],
            "delivery": data["delivery"],
            "documents": [
                {"name": doc["name"], "received": data[f"doc_{i}"], "file": data[f"file_{i}"]}
                for i, doc in enumerate(self.documents)
            ],
        }


# --------------------------------------------------------------------------- actions


class ActionForm(DeskForm):
    """Base of the action forms: the version the officer saw (optimistic concurrency)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("Thiếu phiên bản của hồ sơ; vui lòng tải lại trang."),
            "invalid": _("Phiên bản của hồ sơ không hợp lệ; vui lòng tải lại trang."),
        },
    )

    def __init__(self, *args, dossier, user, **kwargs):
        self.dossier, self.user = dossier, user
        kwargs.setdefault("initial", {"version": dossier.version})
        super().__init__(*args, **kwargs)

    @property
    def has_inputs(self) -> bool:
        return any(not f.is_hidden for f in self)

    def service_kwargs(self) -> dict:
        """Return the service's keyword arguments; field names are the services' own."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class NoteForm(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))


def _next_step_officers(dossier):
    """Return the officers who may take the dossier's next step (assignee choices), or none."""
    step = dossier.current_step
    if step is None:
        return None
    try:
        steps = workflow_steps(dossier.procedure_version.snapshot)
        following = next_step_index(steps, step.index, dossier.form_data)
        if following is None:
            return None
        spec = steps[following]
        return selectors.step_officers(unit=step_unit(spec, dossier.current_unit), roles=spec.roles)
    except (WorkflowError, KeyError, IndexError):
        return None


class ForwardForm(ActionForm):
    assignee = PersonChoiceField(
        label=_("Giao cho cán bộ"),
        queryset=None,
        required=False,
        empty_label=_("Tự động theo quy trình"),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers = _next_step_officers(self.dossier)
        if officers is None:
            del self.fields["assignee"]
        else:
            self.fields["assignee"].queryset = officers


class ConsultForm(ActionForm):
    units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị được xin ý kiến"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Giữ phím Ctrl để chọn nhiều đơn vị."),
    )
    required = forms.IntegerField(
        label=_("Số ý kiến cần có"),
        min_value=1,
        required=False,
        help_text=_("Để trống: cần tất cả các đơn vị trả lời."),
    )
    note = forms.CharField(
        label=_("Nội dung xin ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = selectors.consult_units(dossier=self.dossier)

    def clean_units(self):
        return list(self.cleaned_data["units"])


class AnswerForm(ActionForm):
    verdict = forms.ChoiceField(
        label=_("Kết luận"),
        choices=ConsultationVerdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Cần chọn đồng ý hoặc không đồng ý.")},
    )
    answer = forms.CharField(label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 3}))
    reply_file = UploadField(label=_("Văn bản trả lời (nếu có)"), required=False)


class IssueResultForm(ActionForm):
    result_number = forms.CharField(label=_("Số văn bản kết quả"), max_length=60)
    result_date = forms.DateField(label=_("Ngày ban hành"), widget=DayInput())
    result_file = UploadField(label=_("Tệp kết quả"), required=False)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferForm(ActionForm):
    """Transfer (liên thông): the receiving unit and the step of the workflow it starts from.

    The step defaults to the first one of the workflow; the service refuses a step nobody at the
    receiving unit can work, and says who is missing.
    """

    to_unit = forms.ModelChoiceField(label=_("Chuyển đến đơn vị"), queryset=None)
    to_step = forms.TypedChoiceField(
        label=_("Bước xử lý tại đơn vị nhận"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Mặc định: bước đầu tiên của quy trình."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = selectors.transfer_units(dossier=self.dossier)
        steps = workflow_steps(self.dossier.procedure_version.snapshot)
        self.fields["to_step"].choices = [(s.index, f"{s.index + 1}. {s.name}") for s in steps]
        try:
            self.fields["to_step"].initial = first_step_index(steps, self.dossier.form_data)
        except WorkflowError:
            self.fields["to_step"].initial = 0

    @property
    def offered(self) -> bool:
        """Whether there is a unit to transfer to (the step's permission is the service's)."""
        return self.fields["to_unit"].queryset.exists()


class SupplementRequestForm(ActionForm):
    items = forms.CharField(
        label=_("Giấy tờ, nội dung cần bổ sung"),
        help_text=_("Mỗi dòng một nội dung."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label=_("Ghi chú gửi người nộp"),
        help_text=_("Người nộp đọc được ghi chú này (thư điện tử, trang tra cứu hồ sơ)."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override = forms.BooleanField(
        label=_("Lãnh đạo đồng ý yêu cầu bổ sung lần nữa (hồ sơ bị tính trễ hạn)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.dossier.supplement_count:
            del self.fields["override"]

    def clean_items(self):
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class SupplementForm(ActionForm):
    document_name = forms.CharField(label=_("Tên giấy tờ bổ sung"), max_length=400, required=False)
    file = UploadField(label=_("Tệp giấy tờ bổ sung"), required=False)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("file") and not data.get("document_name"):
            self.add_error("document_name", _("Cần nhập tên giấy tờ của tệp bổ sung."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        files = {data["document_name"]: data["file"]} if data.get("file") else None
        return {"files": files, "note": data["note"]}


class ApologyForm(ActionForm):
    new_due_at = forms.DateTimeField(
        label=_("Ngày giờ hẹn trả mới"),
        widget=MomentInput(),
    )
    reason = forms.CharField(
        label=_("Lý do chậm trả kết quả"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnResultForm(ActionForm):
    """How the result goes back; by post, the carrier, the tracking number and the day sent."""

    delivery = forms.ChoiceField(label=_("Hình thức trả kết quả"), choices=Delivery.choices)
    postal_carrier = forms.CharField(
        label=_("Đơn vị bưu chính"),
        max_length=100,
        required=False,
        initial=DEFAULT_CARRIER,
        help_text=_("Bắt buộc khi trả qua bưu chính."),
    )
    postal_tracking = forms.CharField(
        label=_("Mã vận đơn bưu chính"),
        max_length=40,
        required=False,
        help_text=_("Bắt buộc khi trả qua bưu chính."),
    )
    postal_sent_on = forms.DateField(
        label=_("Ngày gửi"),
        required=False,
        widget=DayInput(),
        help_text=_("Để trống: hôm nay."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].initial = self.dossier.delivery


class FeeForm(ActionForm):
    """Base of the counter's fee records: offered only while a fee is owed."""

    @property
    def offered(self) -> bool:
        d = self.dossier
        return bool(d.fee_total) and not (d.is_paid or d.fee_waived)


class RecordPaymentForm(FeeForm):
    """A fee paid at the counter: the receipt's number (the officer is who took the money)."""

    receipt_number = forms.CharField(label=_("Số biên lai thu phí, lệ phí"), max_length=40)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WaiveFeeForm(FeeForm):
    reason = forms.CharField(
        label=_("Căn cứ miễn phí, lệ phí"),
        max_length=300,
        help_text=_("Đối tượng được miễn và văn bản quy định; người nộp đọc được nội dung này."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
