"""One form field per configured input kind (``FormField.as_spec()``): a table of builders.

:data:`BUILDERS` maps each :class:`~motcua.portal.models.FieldKind` to a function that takes the
input's :class:`Spec` and returns its Django field; :func:`build_field` adds what every kind
shares (label, help text, the Vietnamese "required" message naming the field). An unknown kind —
a snapshot written by a newer version — is kept as text. Rules per kind:

* text, address: length limits (``min``/``max``; at most 2,000 / 500 characters by default);
* number: typed with a dot or a decimal comma, bounds ``min``/``max``;
* date: dd/mm/yyyy (or ISO); select: one of the configured choices; checkbox: ticked or not;
* ID number, phone: the rules of :mod:`motcua.core.identity`; e-mail: a valid address;
* table: rows of columns, at least ``min`` / at most ``max`` rows;
* file: checked by :mod:`motcua.core.uploads`; whether one is required is decided by the dossier
  form, with the draft's files.

A configured ``pattern`` (with its own message) applies to the text-like kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
)
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_noop

from motcua.core.identity import IdNumberField, PhoneField
from motcua.core.widgets import DayInput
from motcua.portal.forms.base import DATE_FORMATS, _literal
from motcua.portal.forms.fields import DocumentFileField, LooseDecimalField, TableField
from motcua.portal.models import FieldKind

#: Kinds a configured ``pattern`` applies to.
PATTERN_KINDS = frozenset(
    {FieldKind.TEXT, FieldKind.ADDRESS, FieldKind.ID_NUMBER, FieldKind.PHONE, FieldKind.EMAIL}
)


def _number(text):
    return None if text in (None, "") else Decimal(str(text))


@dataclass
class Spec:
    """One configured input, read once for its builder."""

    raw: dict
    kind: str
    label: str
    low: Decimal | None
    high: Decimal | None
    common: dict
    validators: list = field(default_factory=list)

    @classmethod
    def read(cls, raw: dict) -> Spec:
        spec = cls(
            raw=raw,
            kind=raw["kind"],
            label=raw["label"],
            low=_number(raw.get("min")),
            high=_number(raw.get("max")),
            common={
                "label": raw["label"],
                "required": bool(raw.get("required")),
                "help_text": raw.get("help_text", ""),
            },
        )
        if raw.get("pattern") and spec.kind in PATTERN_KINDS:
            own = raw.get("pattern_message")
            message = (
                _literal(own) if own else _g("“%(label)s” không đúng định dạng yêu cầu.") % spec.lit
            )
            spec.validators.append(RegexValidator(raw["pattern"], message=message))
        return spec

    @property
    def lit(self) -> dict:
        """The label for a message that ValidationError formats again (``%`` escaped)."""
        return {"label": _literal(self.label)}


def _text(spec: Spec) -> forms.Field:
    validators, lit = spec.validators, spec.lit
    if spec.low is not None:
        n = int(spec.low)
        validators.append(
            MinLengthValidator(
                n, message=_g("“%(label)s” cần ít nhất %(n)s ký tự.") % {**lit, "n": n}
            )
        )
    limit = (
        int(spec.high) if spec.high is not None else (2000 if spec.kind == FieldKind.TEXT else 500)
    )
    validators.append(
        MaxLengthValidator(
            limit, message=_g("“%(label)s” chỉ được tối đa %(n)s ký tự.") % {**lit, "n": limit}
        )
    )
    if spec.kind == FieldKind.ADDRESS:
        widget = forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"})
    else:
        widget = forms.TextInput()
    return forms.CharField(widget=widget, validators=validators, **spec.common)


def _decimal(spec: Spec) -> forms.Field:
    validators, lit = spec.validators, spec.lit
    if spec.low is not None:
        validators.append(
            MinValueValidator(
                spec.low,
                message=_g("“%(label)s” phải lớn hơn hoặc bằng %(n)s.")
                % {**lit, "n": format(spec.low.normalize(), "f")},
            )
        )
    if spec.high is not None:
        validators.append(
            MaxValueValidator(
                spec.high,
                message=_g("“%(label)s” phải nhỏ hơn hoặc bằng %(n)s.")
                % {**lit, "n": format(spec.high.normalize(), "f")},
            )
        )
    return LooseDecimalField(
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        validators=validators,
        error_messages={
            "invalid": _g("“%(label)s” phải là một số.") % {"label": spec.label},
            "max_digits": _g("“%(label)s” quá dài.") % lit,
            "max_decimal_places": _g("“%(label)s” có quá nhiều chữ số thập phân.") % lit,
            "max_whole_digits": _g("“%(label)s” quá lớn.") % lit,
        },
        max_digits=20,
        decimal_places=6,
        **spec.common,
    )


def _date(spec: Spec) -> forms.Field:
    return forms.DateField(
        input_formats=DATE_FORMATS,
        widget=DayInput(),
        error_messages={
            "invalid": _g("“%(label)s” phải là một ngày hợp lệ (ngày/tháng/năm).")
            % {"label": spec.label}
        },
        **spec.common,
    )


def _select(spec: Spec) -> forms.Field:
    choices = [("", _g("— Chọn —")), *((c, c) for c in spec.raw.get("choices", []))]
    return forms.ChoiceField(
        choices=choices,
        error_messages={"invalid_choice": _g("Lựa chọn cho “%(label)s” không hợp lệ.") % spec.lit},
        **spec.common,
    )


def _checkbox(spec: Spec) -> forms.Field:
    return forms.BooleanField(**spec.common)


def _id_number(spec: Spec) -> forms.Field:
    return IdNumberField(validators=spec.validators, **spec.common)


def _phone(spec: Spec) -> forms.Field:
    return PhoneField(validators=spec.validators, **spec.common)


def _email(spec: Spec) -> forms.Field:
    return forms.EmailField(
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        validators=spec.validators,
        error_messages={
            "invalid": _g("“%(label)s” không phải địa chỉ thư điện tử hợp lệ.") % spec.lit
        },
        **spec.common,
    )


def _table(spec: Spec) -> forms.Field:
    return TableField(
        columns=spec.raw.get("columns", []),
        min_rows=int(spec.low) if spec.low is not None else None,
        max_rows=int(spec.high) if spec.high is not None else None,
        **spec.common,
    )


def _file(spec: Spec) -> forms.Field:
    # Whether a file is required is decided with the draft's files in DossierForm.clean().
    return DocumentFileField(**{**spec.common, "required": False})


def _unknown(spec: Spec) -> forms.Field:
    return forms.CharField(**spec.common)


#: Kind → builder. A kind added to FieldKind without a builder fails tests/portal/test_form_kinds.py.
BUILDERS: dict[str, Callable[[Spec], forms.Field]] = {
    FieldKind.TEXT: _text,
    FieldKind.ADDRESS: _text,
    FieldKind.NUMBER: _decimal,
    FieldKind.DATE: _date,
    FieldKind.SELECT: _select,
    FieldKind.CHECKBOX: _checkbox,
    FieldKind.ID_NUMBER: _id_number,
    FieldKind.PHONE: _phone,
    FieldKind.EMAIL: _email,
    FieldKind.TABLE: _table,
    FieldKind.FILE: _file,
}

#: The "required" message per kind (``%(label)s``); the others say "Vui lòng nhập …".
REQUIRED_MESSAGES = {
    FieldKind.SELECT: gettext_noop("Vui lòng chọn “%(label)s”."),
    FieldKind.CHECKBOX: gettext_noop("Vui lòng đánh dấu “%(label)s”."),
    FieldKind.TABLE: gettext_noop("Vui lòng nhập ít nhất một dòng cho “%(label)s”."),
}
_REQUIRED_DEFAULT = gettext_noop("Vui lòng nhập “%(label)s”.")


#: Kinds contributed by plugins (hook ``form_field_kinds``, docs/plugins.md): kind → label.
EXTRA_KINDS: dict[str, str] = {}


def register_kind(kind: str, *, label, builder, required_message: str | None = None) -> None:
    """Add a field kind of a plugin: its label in the form builder and its ``builder(spec)``."""
    if kind in FieldKind.values:
        raise ValueError(f"form field kind {kind!r} is the core's")
    if not kind or len(kind) > 12 or not kind.replace("_", "").isalnum():
        raise ValueError(f"form field kind {kind!r}: at most 12 letters, digits or _")
    BUILDERS[kind] = builder
    EXTRA_KINDS[kind] = label
    if required_message:
        REQUIRED_MESSAGES[kind] = required_message


def field_kind_choices() -> list[tuple[str, str]]:
    """The kinds the form builder offers: the core's, then those of the enabled plugins."""
    return [*FieldKind.choices, *EXTRA_KINDS.items()]


def build_field(raw: dict) -> forms.Field:
    """Return the form field of one configured input (``FormField.as_spec()``)."""
    spec = Spec.read(raw)
    result = BUILDERS.get(spec.kind, _unknown)(spec)
    message = REQUIRED_MESSAGES.get(spec.kind, _REQUIRED_DEFAULT)
    result.error_messages["required"] = _g(message) % {"label": spec.label}
    result.spec = raw
    return result
