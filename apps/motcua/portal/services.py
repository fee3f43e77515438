"""Writes of the citizen portal. Dossier state changes go through ``motcua.dossiers.services``.

Rules, each one sentence:

1. Nothing is half-saved: every write runs in one transaction, and files written to storage by a
   write that then fails are deleted again (storage is not transactional). A file is kept when
   the COMMIT itself fails, since the database may have committed (``core/stored_files.py``).
2. Online submission is idempotent: the rendered form's key is inserted (unique) before anything
   else, so a repeated request rolls back and gets the first request's dossier.
3. The portal acts on a dossier only as its applicant's account (``applicant_user``): supplement
   and withdrawal call the lifecycle services with that user, which ``dossier_action_check``
   allows (permissions rule 4). A dossier received at the counter has no account; the visitor who
   proved the dossier code and the applicant's phone or ID number in this session links it to
   their account first (:func:`dossier_link_account`), then acts as its applicant.
4. Delivery changes and links write only their own columns (``delivery``/``delivery_address``,
   ``applicant_user``) with a row lock; they are not state changes and write no dossier event.
5. The e-mail receipt of an online submission is a notification row written in the submission's
   transaction (:func:`submission_receipt_create`), delivered like every notice: it exists if and
   only if the dossier does, and is retried until sent.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from uuid import UUID

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import uploads
from motcua.core.people import person_name
from motcua.core.roles import Role
from motcua.dossiers import services as lifecycle
from motcua.dossiers.models import Delivery, Dossier, DossierDocument
from motcua.dossiers.services import (
    DossierError,
    dossier_submit_online,
    dossier_supplement,
    dossier_withdraw,
)
from motcua.dossiers.states import TERMINAL, Status
from motcua.dossiers.transitions import TransitionNotAllowed
from motcua.portal.models import (
    CitizenProfile,
    DossierLink,
    Draft,
    FieldKind,
    Rating,
    Submission,
    Upload,
)
from motcua.reports.summaries import summary_refresh

log = logging.getLogger(__name__)


class PortalError(Exception):
    """A portal request that cannot be carried out; the message is for the citizen."""


# ----------------------------------------------------------------------------- files


@contextmanager
def _stored_files():
    """Collect names of files written to storage; delete them if the block fails (rule 1).

    Used inside the transaction's block, so a failed COMMIT keeps the files."""
    names: list[str] = []
    try:
        yield names
    except BaseException:
        _delete_files(names)
        raise


def _delete_files(names) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # a local folder (OSError) or an object store that stopped answering
            log.warning("could not delete %s", name)


def _delete_files_on_commit(names) -> None:
    names = [n for n in names if n]
    if names:
        transaction.on_commit(lambda: _delete_files(names))


def upload_store(
    *, file, user=None, token: str = "", draft=None, slot: str = "", dossier=None, names: list[str]
) -> Upload:
    """Save one checked upload under a random name; its name is appended to *names*."""
    content_type = getattr(file, "sniffed_type", None) or uploads.check_upload(file)
    upload = Upload(
        original_name=getattr(file, "original_name", "")
        or uploads.safe_name(file.name, content_type)[:255],
        content_type=content_type,
        size=file.size,
        sha256=uploads.sha256_of(file),
        user=user if getattr(user, "is_authenticated", False) else None,
        token=token,
        draft=draft,
        slot=slot,
        dossier=dossier,
    )
    file.seek(0)
    upload.file.save("upload", file, save=False)
    names.append(upload.file.name)
    upload.save()
    return upload


# ----------------------------------------------------------------------------- drafts


def _owner(user, token: str) -> dict:
    if getattr(user, "is_authenticated", False):
        return {"user": user}
    if not token:
        raise PortalError(_("Phiên làm việc đã hết hạn, vui lòng tải lại trang."))
    return {"user": None, "token": token}


def draft_get(*, procedure, user, token: str = "") -> Draft | None:
    try:
        owner = _owner(user, token)
    except PortalError:
        return None
    return Draft.objects.filter(procedure=procedure, **owner).order_by("-updated_at").first()


def draft_save(
    *, procedure, user, token: str, values: dict, new_files: dict, cleared: set[str]
) -> Draft:
    """Save the typed input and the new files as the person's draft of *procedure*."""
    owner = _owner(user, token)
    with transaction.atomic(), _stored_files() as names:
        draft = Draft.objects.select_for_update().filter(procedure=procedure, **owner).first()
        if draft is None:
            draft = Draft.objects.create(procedure=procedure, **owner)
        draft.form_data = values
        draft.save()
        replaced = set(new_files) | set(cleared)
        old = list(draft.uploads.filter(slot__in=replaced))
        for slot, file in new_files.items():
            upload_store(file=file, user=user, token=token, draft=draft, slot=slot, names=names)
        _delete_files_on_commit([u.file.name for u in old])
        Upload.objects.filter(pk__in=[u.pk for u in old]).delete()
    return draft


def draft_uploads(draft: Draft | None) -> dict[str, Upload]:
    if draft is None:
        return {}
    return {u.slot: u for u in draft.uploads.order_by("created_at")}


def drafts_adopt(*, user, token: str) -> int:
    """Give an anonymous visitor's drafts to the account they just logged in with."""
    if not token or not getattr(user, "is_authenticated", False):
        return 0
    adopted = 0
    with transaction.atomic():
        for draft in Draft.objects.select_for_update().filter(user=None, token=token):
            for older in Draft.objects.filter(user=user, procedure=draft.procedure_id):
                draft_discard(draft=older)
            draft.user, draft.token = user, ""
            draft.save(update_fields=["user", "token", "updated_at"])
            draft.uploads.update(user=user, token="")
            adopted += 1
    return adopted


def draft_discard(*, draft: Draft) -> None:
    with transaction.atomic():
        uploads_ = list(draft.uploads.all())
        _delete_files_on_commit([u.file.name for u in uploads_])
        Upload.objects.filter(pk__in=[u.pk for u in uploads_]).delete()
        draft.delete()


# ----------------------------------------------------------------------------- submission


def submission_replay(key: UUID, user) -> Dossier | None:
    existing = Submission.objects.select_related("dossier").filter(key=key).first()
    if existing is None:
        return None
    if existing.user_id != getattr(user, "pk", None) or existing.dossier is None:
        raise PortalError(_("Phiên nộp hồ sơ không hợp lệ, vui lòng tải lại trang và nộp lại."))
    return existing.dossier


def dossier_submit(
    *,
    procedure,
    unit,
    user,
    key: UUID,
    applicant: dict,
    form_values: dict,
    spec: dict,
    new_files: dict,
    kept: dict[str, Upload],
    delivery: str,
    delivery_address: str = "",
    draft: Draft | None = None,
    status_url: str = "",
) -> tuple[Dossier, bool]:
    """Submit an online dossier exactly once per *key*; return ``(dossier, created)``.

    *new_files* maps a slot (``doc_<i>`` for required documents, ``f_<key>`` for file fields) to a
    checked upload, *kept* to an upload already in the draft. The dossier enters ``submitted``
    (the desk's intake queue) through ``dossier_submit_online``; the applicant is e-mailed its code
    and *status_url* (its ``CODE`` replaced by the dossier's code).
    """
    if not getattr(user, "is_authenticated", False):
        raise PortalError(_("Vui lòng đăng nhập để nộp hồ sơ."))
    replay = submission_replay(key, user)
    if replay is not None:
        return replay, False
    if delivery == Delivery.POST and not (delivery_address or "").strip():
        raise PortalError(_("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính."))
    try:
        with transaction.atomic(), _stored_files() as names:
            submission = Submission.objects.create(key=key, user=user)  # rule 2: first
            files = dict(kept)
            for slot, file in new_files.items():
                files[slot] = upload_store(file=file, user=user, slot=slot, names=names)
            uploads.check_total(u.size for u in files.values())
            documents = []
            for index, doc in enumerate(spec["documents"]):
                upload = files.get(f"doc_{index}")
                if upload is not None:
                    documents.append(
                        {
                            "name": doc["name"],
                            "file": upload.file.name,
                            "received": True,
                            "original_name": upload.original_name,
                            "content_type": upload.content_type,
                        }
                    )
            values = dict(form_values)
            file_fields = [f for f in spec["fields"] if f["kind"] == FieldKind.FILE]
            for item in file_fields:
                upload = files.get(f"f_{item['key']}")
                if upload is not None:
                    values[item["key"]] = {
                        "upload": str(upload.pk),
                        "name": upload.original_name,
                        "size": upload.size,
                        "content_type": upload.content_type,
                    }
            dossier = dossier_submit_online(
                procedure=procedure,
                unit=unit,
                applicant=applicant,
                form_data=values,
                documents=documents,
                delivery=delivery,
                user=user,
            )
            if delivery == Delivery.POST:
                dossier.delivery_address = delivery_address.strip()[:300]
                Dossier.objects.filter(pk=dossier.pk).update(
                    delivery_address=dossier.delivery_address
                )
            for item in file_fields:
                upload = files.get(f"f_{item['key']}")
                if upload is not None:  # officers find every file in the dossier's document list
                    DossierDocument.objects.create(
                        dossier=dossier,
                        name=item["label"][:400],
                        file=upload.file.name,
                        original_name=upload.original_name,
                        content_type=upload.content_type,
                        received=True,
                        is_mandatory=False,
                    )
            Upload.objects.filter(pk__in=[u.pk for u in files.values()]).update(
                dossier=dossier, draft=None
            )
            submission.dossier = dossier
            submission.save(update_fields=["dossier"])
            if draft is not None and draft.pk:
                draft_discard(draft=draft)
            submission_receipt_create(dossier, status_url=status_url)
    except IntegrityError:
        replay = submission_replay(key, user)
        if replay is None:
            raise
        return replay, False
    except ValidationError as exc:
        raise PortalError(" ".join(exc.messages)) from exc
    except DossierError as exc:
        raise PortalError(str(exc)) from exc
    return dossier, True


def submission_receipt_create(dossier: Dossier, *, status_url: str = "") -> None:
    """Write the applicant's e-mail receipt (its code and *status_url*) in the submission's
    transaction: a notification row, sent by the delivery job with retries, so a receipt is
    neither lost with a queue (a Redis restart) nor sent twice (rule 5)."""
    from django.utils import translation

    from motcua.notifications.services import notification_create

    to = dossier.applicant_email or getattr(dossier.applicant_user, "email", "")
    if not to:
        return
    notification_create(
        key=f"receipt:{dossier.pk}",
        event="submitted",
        channel="email",
        context={
            "code": dossier.code,
            "applicant_name": dossier.applicant_name,
            "procedure": dossier.procedure.name,
            "unit": dossier.unit.name,
            "status_url": status_url.replace("CODE", dossier.code) if status_url else "-",
        },
        address=to,
        language=translation.get_language() or "vi",
        for_staff=False,
        dossier_id=dossier.pk,
    )


def send_submission_receipt(dossier_id: int, status_url: str = "") -> bool:
    """The receipt as the previous release sent it: a job (run for jobs it left queued)."""
    """E-mail the applicant the code of the dossier they submitted (run after commit, as a job)."""
    dossier = (
        Dossier.objects.select_related("procedure", "unit", "applicant_user")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        return False
    to = dossier.applicant_email or getattr(dossier.applicant_user, "email", "")
    if not to:
        return False
    body = _(
        "Kính gửi %(name)s,\n\nHồ sơ “%(procedure)s” của ông/bà đã được nộp trực tuyến đến "
        "%(unit)s.\nMã hồ sơ: %(code)s\n\nCán bộ một cửa sẽ kiểm tra và tiếp nhận hồ sơ; ông/bà "
        "theo dõi tình trạng tại: %(url)s\n"
    ) % {
        "name": dossier.applicant_name,
        "procedure": dossier.procedure.name,
        "unit": dossier.unit.name,
        "code": dossier.code,
        "url": status_url.replace("CODE", dossier.code) if status_url else "-",
    }
    try:
        send_mail(_("Đã nộp hồ sơ %(code)s") % {"code": dossier.code}, body, None, [to])
    except OSError:
        log.exception("could not e-mail the receipt of %s", dossier.code)
        return False
    return True


# ----------------------------------------------------------------------------- accounts


def _split_name(full_name: str) -> tuple[str, str]:
    """Vietnamese order: family and middle names first, the given name last."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name, ""
    return parts[-1], " ".join(parts[:-1])


def account_signup(
    *,
    kind: str,
    full_name: str,
    email: str,
    phone: str,
    password: str,
    id_number: str = "",
    organisation_name: str = "",
    tax_code: str = "",
):
    """Create a citizen account (group ``citizen``, never staff).

    The username is the e-mail address, or the phone number without one. An account with an
    e-mail address stays inactive until the link sent to it is opened; a phone-only account is
    active at once (SMS verification comes with the SMS channel).
    """
    user_model = get_user_model()
    username = email or phone
    first_name, last_name = _split_name(full_name.strip())
    try:
        with transaction.atomic():
            if user_model.objects.filter(username__iexact=username).exists():
                raise PortalError(_("Tài khoản này đã tồn tại."))
            user = user_model(
                username=username,
                email=email,
                first_name=first_name[:150],
                last_name=last_name[:150],
                is_staff=False,
                is_superuser=False,
                is_active=not email,
            )
            user.set_password(password)
            user.save()
            group, _created = Group.objects.get_or_create(name=Role.CITIZEN)
            user.groups.add(group)
            CitizenProfile.objects.create(
                user=user,
                kind=kind,
                full_name=full_name.strip(),
                phone=phone,
                id_number=id_number,
                organisation_name=organisation_name.strip(),
                tax_code=tax_code.strip(),
            )
    except IntegrityError as exc:  # the same e-mail or phone signed up twice at once
        raise PortalError(_("Tài khoản này đã tồn tại.")) from exc
    return user


def account_send_verification(*, user, url: str) -> bool:
    body = _(
        "Chào %(name)s,\n\nĐể kích hoạt tài khoản trên cổng dịch vụ công, vui lòng mở liên kết "
        "sau (có hiệu lực 3 ngày):\n%(url)s\n\nNếu ông/bà không đăng ký, xin bỏ qua thư này.\n"
    ) % {"name": person_name(user), "url": url}
    try:
        send_mail(_("Xác minh thư điện tử"), body, None, [user.email])
    except OSError:
        log.exception("could not send the verification e-mail to user %s", user.pk)
        return False
    return True


def account_verify(*, user) -> None:
    """Activate the account whose e-mail link was opened (the token was checked by the caller)."""
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        CitizenProfile.objects.filter(user=user).update(email_verified_at=timezone.now())


# ----------------------------------------------------------------------------- acting on a dossier


def _require_applicant(dossier: Dossier, user) -> None:
    if not getattr(user, "is_authenticated", False) or dossier.applicant_user_id != user.pk:
        raise PortalError(_("Chỉ tài khoản của người nộp hồ sơ được thực hiện thao tác này."))


def dossier_link_account(*, dossier: Dossier, user, proof: str) -> Dossier:
    """Link a dossier without an account to *user*, who proved code + phone/ID (rule 3)."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        raise PortalError(_("Vui lòng đăng nhập bằng tài khoản công dân để gắn hồ sơ."))
    with transaction.atomic():
        linked = _lifecycle(
            lambda: lifecycle.dossier_link_account(dossier=dossier, user=user, proof=proof)
        )
        DossierLink.objects.create(dossier=linked, user=user, proof=proof[:20])
    return linked


def _lifecycle(call):
    try:
        return call()
    except TransitionNotAllowed as exc:
        raise PortalError(_("Hồ sơ đang ở trạng thái không cho phép thao tác này.")) from exc
    except DossierError as exc:
        raise PortalError(str(exc)) from exc
    except ValidationError as exc:
        raise PortalError(" ".join(exc.messages)) from exc
    except PermissionDenied as exc:  # ActionForbidden: the lifecycle's own permission check
        raise PortalError(str(exc)) from exc


def portal_supplement(*, dossier: Dossier, user, files: dict, note: str = "") -> Dossier:
    """Supplement the dossier as its applicant: files stored, then ``dossier_supplement``."""
    _require_applicant(dossier, user)
    already = sum(Upload.objects.filter(dossier=dossier).values_list("size", flat=True))
    try:
        uploads.check_total([already, *(f.size for f in files.values())])
    except ValidationError as exc:
        raise PortalError(" ".join(exc.messages)) from exc
    with transaction.atomic(), _stored_files() as names:
        stored = {}
        for item, file in files.items():
            upload = upload_store(
                file=file, user=user, slot="supplement", dossier=dossier, names=names
            )
            stored[item] = {
                "file": upload.file.name,
                "original_name": upload.original_name,
                "content_type": upload.content_type,
            }
        return _lifecycle(
            lambda: dossier_supplement(dossier=dossier, user=user, files=stored, note=note.strip())
        )


def portal_withdraw(*, dossier: Dossier, user, reason: str) -> Dossier:
    """Withdraw the dossier as its applicant (``dossier_withdraw``), with the reason given."""
    _require_applicant(dossier, user)
    return _lifecycle(lambda: dossier_withdraw(dossier=dossier, user=user, reason=reason))


def dossier_set_delivery(*, dossier: Dossier, user, delivery: str, address: str = "") -> Dossier:
    """Change how the applicant receives the result, until it is returned (rule 4)."""
    _require_applicant(dossier, user)
    if dossier.status in TERMINAL:
        raise PortalError(_("Hồ sơ đã kết thúc, không đổi được hình thức nhận kết quả."))
    return _lifecycle(
        lambda: lifecycle.dossier_set_delivery(
            dossier=dossier, user=user, delivery=delivery, address=address
        )
    )


RATABLE = frozenset({Status.RESULT_READY, Status.RETURNED})


def rating_create(*, dossier: Dossier, user, score: int, comment: str = "") -> Rating:
    """Record the applicant's one rating of the service, after the result (QĐ 766)."""
    if dossier.status not in RATABLE:
        raise PortalError(_("Ông/bà có thể đánh giá sau khi hồ sơ có kết quả."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier,
                score=score,
                comment=(comment or "").strip()[:2000],
                user=user if getattr(user, "is_authenticated", False) else None,
            )
            summary_refresh(dossier_ids=[dossier.pk])  # §5.4 dissatisfied, in the summaries
            return rating
    except IntegrityError as exc:
        raise PortalError(
            _("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ được đánh giá một lần.")
        ) from exc
