"""Reads of the citizen portal.

Every read of dossiers for a person goes through ``dossiers_visible`` (docs/architecture.md, Scope): the owner's
account and officers in scope. The one read without an account is the public lookup
(:func:`dossier_lookup`), where the proof — the dossier code *and* the applicant's phone, ID number
or tax code — is the permission; what it returns is remembered in the visitor's session for that
visit only (:func:`dossier_for_visitor`).
"""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from motcua.core.identity import identifier_matches
from motcua.core.lifecycle import LIFECYCLE
from motcua.core.prepared import Prepared
from motcua.dossiers.models import Delivery, Dossier
from motcua.dossiers.selectors import dossiers_visible
from motcua.dossiers.states import Action, Status
from motcua.portal.models import Draft
from motcua.procedures.models import OnlineLevel, Procedure, ProcedureVersion, Sector
from motcua.procedures.selectors import procedure_current_version, procedure_search
from motcua.units.models import Unit

# ----------------------------------------------------------------------------- catalogue


def catalogue(
    *, query: str = "", sector: str = "", unit: str = "", online_level: str = ""
) -> QuerySet[Procedure]:
    """Active procedures matching *query* (accents ignored) and the filters, by name."""
    procedures = procedure_search(query=query, active_only=True)
    if sector:
        procedures = procedures.filter(sector__code=sector)
    if unit:
        procedures = procedures.filter(units__agency_code=unit)
    if online_level in OnlineLevel.values:
        procedures = procedures.filter(online_level=online_level)
    return procedures.order_by("name", "pk").distinct()


def catalogue_sectors() -> QuerySet[Sector]:
    return Sector.objects.filter(procedures__is_active=True).distinct().order_by("name")


def catalogue_units() -> QuerySet[Unit]:
    return (
        Unit.objects.filter(is_active=True, procedures__is_active=True).distinct().order_by("path")
    )


def procedure_public(*, code: str) -> tuple[Procedure, ProcedureVersion]:
    """Return an active, published procedure and its current version, or raise DoesNotExist."""
    procedure = Procedure.objects.select_related("sector", "level").get(
        national_code=code, is_active=True
    )
    version = procedure_current_version(procedure=procedure)
    if version is None:
        raise Procedure.DoesNotExist(code)
    return procedure, version


def procedure_units(*, procedure: Procedure) -> QuerySet[Unit]:
    return procedure.units.filter(is_active=True).order_by("path")


# ----------------------------------------------------------------------------- the citizen's own


def my_dossiers(*, user) -> QuerySet[Dossier]:
    return (
        dossiers_visible(user=user)
        .filter(applicant_user=user)
        .select_related("procedure", "unit")
        .order_by("-submitted_at", "-pk")
    )


def my_drafts(*, user) -> QuerySet[Draft]:
    if not getattr(user, "is_authenticated", False):
        return Draft.objects.none()
    return Draft.objects.filter(user=user).select_related("procedure").order_by("-updated_at")


# ----------------------------------------------------------------------------- lookup


#: The applicant's identifiers that prove a lookup, in the order they are tried.
PROOF_KINDS = ("phone", "id_number", "tax_code")


def proof_kind(*, dossier: Dossier, proof: str) -> str:
    """Return which of the applicant's identifiers *proof* is ("phone", "id_number", "tax_code").

    Both sides are compared in the normal form of :mod:`motcua.core.identity`.
    """
    for kind in PROOF_KINDS:
        if identifier_matches(kind, proof, getattr(dossier, f"applicant_{kind}")):
            return kind
    return ""


#: The lookup's read (every lookup POST): the dossier by code, its identifiers only, composed once.
_LOOKUP = Prepared(
    lambda typed, upper: (
        Dossier.objects.filter(code__in=[typed, upper])
        .only("pk", "code", *(f"applicant_{kind}" for kind in PROOF_KINDS))
        .order_by("pk")[:1]
    ),
    markers=("\x00typed", "\x00upper"),
)


def dossier_lookup(*, code: str, proof: str) -> tuple[Dossier | None, str]:
    """Return the dossier with *code* if *proof* is its applicant's phone, ID number or tax code.

    An unknown code and a wrong proof give the same answer, ``(None, "")``: nothing leaks.
    """
    # as typed, or upper-cased (our codes are; an imported system's code is kept as it was)
    typed = code.strip()
    dossier = next(iter(_LOOKUP.rows(typed, typed.upper())), None)
    if dossier is None:
        return None, ""
    kind = proof_kind(dossier=dossier, proof=proof)
    return (dossier, kind) if kind else (None, "")


#: Dossier columns the status page never shows: left unread (a view needing one reads it then).
_UNSHOWN = frozenset({"form_data", "search_text"})


def _for_status_page(rows):
    """The dossier with the names of its procedure and units, without the columns never shown:
    building and decoding ~60 columns of four tables costs more than the query itself."""
    fields = [f.name for f in Dossier._meta.concrete_fields if f.name not in _UNSHOWN]
    return rows.select_related("procedure", "unit", "current_unit").only(
        *fields, "procedure__name", "unit__name", "current_unit__name"
    )


def dossier_for_visitor(*, user, code: str, granted_ids) -> tuple[Dossier | None, str]:
    """Return ``(dossier, access)`` for the status page; access is owner, officer or lookup."""
    if getattr(user, "is_authenticated", False):
        dossier = _one(_for_status_page(dossiers_visible(user=user)).filter(code=code))
        if dossier is not None:
            return dossier, "owner" if dossier.applicant_user_id == user.pk else "officer"
    ids = [int(i) for i in granted_ids or () if str(i).isdigit()]
    if ids:
        dossier = _one(_for_status_page(Dossier.objects).filter(code=code, pk__in=ids))
        if dossier is not None:
            return dossier, "lookup"
    return None, ""


def _one(rows):
    """The row of a filter on the unique code, or None: no ORDER BY (``first()`` adds one)."""
    return next(iter(rows.order_by()[:1]), None)


# ----------------------------------------------------------------------------- the status page


def status_text(dossier: Dossier) -> str:
    """The dossier's state said plainly to the citizen."""
    texts = {
        Status.SUBMITTED: _("Hồ sơ đã được gửi, đang chờ cán bộ một cửa kiểm tra và tiếp nhận."),
        Status.RECEIVED: _("Hồ sơ đã được tiếp nhận."),
        Status.IN_PROGRESS: _("Hồ sơ đang được giải quyết."),
        Status.SUPPLEMENT_REQUESTED: _(
            "Hồ sơ cần bổ sung. Vui lòng xem nội dung cần bổ sung bên dưới và gửi bổ sung."
        ),
        Status.SUSPENDED: _("Việc giải quyết hồ sơ đang tạm dừng."),
        Status.RETURNED: _("Đã trả kết quả. Hồ sơ đã hoàn thành."),
        Status.REJECTED: _("Hồ sơ không được tiếp nhận hoặc bị từ chối giải quyết."),
        Status.WITHDRAWN: _("Hồ sơ đã được rút theo đề nghị của người nộp."),
        Status.STOPPED: _("Hồ sơ đã dừng giải quyết."),
    }
    if dossier.status == Status.RESULT_READY:
        if dossier.delivery == Delivery.POST:
            return _("Đã có kết quả. Kết quả sẽ được gửi đến ông/bà qua bưu chính công ích.")
        if dossier.delivery == Delivery.ONLINE and dossier.result_file:
            return _("Đã có kết quả. Ông/bà tải kết quả ở mục “Kết quả” bên dưới.")
        # a boundary-free dossier's result goes back through the counter that received it
        counter = dossier.unit if dossier.is_boundary_free else dossier.current_unit
        return _("Đã có kết quả. Mời ông/bà đến bộ phận một cửa của %(unit)s để nhận.") % {
            "unit": counter.name
        }
    return str(texts.get(dossier.status, Status(dossier.status).label))


def _public_labels() -> dict:
    """The citizen's timeline labels, from the lifecycle declarations (``core/lifecycle.py``), in
    the active language (built once per language and process: the declarations are constants)."""
    return _public_labels_in(translation.get_language())


@lru_cache(maxsize=8)
def _public_labels_in(language: str | None) -> dict:
    return {a: str(r.public_label) for a, r in LIFECYCLE.items() if r.public_label is not None}


#: Actions whose note is written *for the citizen* (the reason on forms 03 and 05, their own
#: withdrawal reason); every other note is an officer's internal remark and is never shown.
_PUBLIC_NOTES = frozenset(a for a, r in LIFECYCLE.items() if r.public_note)


def public_timeline(*, dossier: Dossier, events=None) -> list[dict]:
    """The public part of the dossier's history: what happened and when, no officer's notes.

    Internal workflow moves (forwarding between steps, consultations, approvals) are left out;
    supplement requests show the items to supply, refusals and stops their reason. *events*: the
    dossier's events in order (``created_at``, ``id``), if the caller has read them already.
    """
    labels = _public_labels()
    entries = []
    if events is None:
        events = dossier.events.order_by("created_at", "id")
    for event in events:
        rule = LIFECYCLE.get(event.action)
        if rule is not None and rule.online_public_label and event.to_status == Status.SUBMITTED:
            label = str(rule.online_public_label)
        elif event.action in labels:
            label = labels[event.action]
        else:
            continue
        detail = ""
        if event.action == Action.REQUEST_SUPPLEMENT:
            detail = "; ".join(str(i) for i in (event.data or {}).get("items", []))
        elif event.action in _PUBLIC_NOTES:
            detail = event.note
        elif event.action == Action.APOLOGIZE and (event.data or {}).get("new_due_at"):
            from datetime import datetime

            moment = timezone.localtime(datetime.fromisoformat(event.data["new_due_at"]))
            detail = _("Ngày hẹn trả mới: %(when)s") % {"when": date_format(moment, "d/m/Y H:i")}
        entries.append({"when": event.created_at, "label": label, "detail": detail})
    return entries
