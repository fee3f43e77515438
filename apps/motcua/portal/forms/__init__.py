"""Portal forms: the dossier form generated from a version's snapshot, and the small forms.

The dossier form (:class:`DossierForm`) is built from ``snapshot["form"]`` (see
:mod:`motcua.portal.snapshot`): one field per configured input, with its label, help text, required
flag and validators, every message in Vietnamese and naming the field. Rules:

1. A field with a show-if condition is validated only when shown: its controlling field (placed
   before it) has the given value, and is itself shown. A hidden field is never required and its
   value is dropped.
2. The form validates in two modes. *Submit* checks everything. *Draft* ("Lưu nháp") checks only the
   files (a bad file is refused even in a draft) and the per-dossier size, so half-filled forms
   can be kept; the draft stores the raw input, which restores the form as it was typed.
3. Validation is server-side only (``novalidate``): the browser's own messages are neither
   Vietnamese nor tied to the field, and hidden conditional fields would block its submit.
4. Every error is tied to its input (``aria-invalid``, ``aria-describedby`` → the error's id).

Modules, by concern: :mod:`.base` (the mixin and formats), :mod:`.fields` (special fields),
:mod:`.builders` (one builder per input kind), :mod:`.dossier` (the generated dossier form),
:mod:`.status` (forms of the status page), :mod:`.accounts` (sign-up and login). Every name is
importable from ``motcua.portal.forms`` as before.
"""

from motcua.core.identity import IdNumberField, PhoneField, normalize_phone
from motcua.portal.forms.accounts import (
    LoginForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
    SignupForm,
    resolve_login,
)
from motcua.portal.forms.base import ACCEPT, DATE_FORMATS, TRUTHY, PortalFormMixin
from motcua.portal.forms.builders import BUILDERS, build_field
from motcua.portal.forms.dossier import (
    DossierForm,
    condition_holds,
    document_slot,
    field_name,
    new_idempotency_key,
)
from motcua.portal.forms.fields import DocumentFileField, LooseDecimalField, TableField, TableWidget
from motcua.portal.forms.status import (
    DeliveryForm,
    LookupForm,
    RatingForm,
    SupplementForm,
    WithdrawForm,
)

__all__ = [
    "ACCEPT",
    "BUILDERS",
    "DATE_FORMATS",
    "TRUTHY",
    "DeliveryForm",
    "DocumentFileField",
    "DossierForm",
    "IdNumberField",
    "LookupForm",
    "LooseDecimalField",
    "LoginForm",
    "PhoneField",
    "PortalFormMixin",
    "PortalPasswordResetForm",
    "PortalSetPasswordForm",
    "RatingForm",
    "SignupForm",
    "SupplementForm",
    "TableField",
    "TableWidget",
    "WithdrawForm",
    "build_field",
    "condition_holds",
    "document_slot",
    "field_name",
    "new_idempotency_key",
    "normalize_phone",
    "resolve_login",
]
