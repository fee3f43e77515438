"""Portal forms: the dossier form generated from a version's snapshot (its rules are in
:mod:`.dossier`), and the small forms.

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
