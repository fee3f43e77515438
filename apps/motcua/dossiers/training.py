"""Setting or clearing the training flag (hồ sơ tập huấn) of one dossier, by an administrator.

Training dossiers are excluded from every statistic (docs/architecture.md); a trainer who forgot to receive in
the training site, or an administrator cleaning up, flags them here. The flag is not a state of the
lifecycle, so no :class:`~motcua.dossiers.states.Action` fits and no ``DossierEvent`` is written:
the change is recorded in the desk's change log (``django.contrib.admin`` ``LogEntry``), shown on
the dossier's history page. The dossier's ``version`` is not bumped, so officers working on it are
not told of a conflict over a flag that does not touch their work.
"""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.roles import Role
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.services import DossierError
from motcua.dossiers.states import Action
from motcua.units.selectors import user_roles_in_unit


def training_flag_allowed(*, user, dossier: Dossier) -> bool:
    """Return whether *user* may change the flag: a superuser or an administrator of its unit."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or Role.ADMINISTRATOR in user_roles_in_unit(
        user=user, unit=dossier.unit
    )


def training_flag_error(*, dossier: Dossier, is_training: bool) -> str | None:
    """Return why the flag cannot become *is_training*, or None.

    A dossier closed as a training dossier stays one: clearing the flag would bring a dossier that
    was stopped without a decision into the statistics.
    """
    closed_as_training = (
        not is_training
        and dossier.is_training
        and dossier.events.filter(action=Action.CLOSE_TRAINING).exists()
    )
    if closed_as_training:
        return _("Hồ sơ đã được đóng như hồ sơ tập huấn, không thể bỏ đánh dấu tập huấn.")
    return None


def dossier_set_training(*, dossier: Dossier, user, is_training: bool) -> Dossier:
    """Set or clear the training flag and record who did it; return the dossier as saved."""
    with transaction.atomic():
        # Lock the dossier row only (MariaDB has no FOR UPDATE OF; a join would lock the unit).
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if not training_flag_allowed(user=user, dossier=locked):
            raise ActionForbidden(_("Chỉ quản trị hệ thống được đổi cờ hồ sơ tập huấn."))
        if locked.is_training == is_training:
            return locked
        error = training_flag_error(dossier=locked, is_training=is_training)
        if error:
            raise DossierError(error)
        locked.is_training = is_training
        locked.save(update_fields=["is_training"])
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[locked],
            action_flag=CHANGE,
            change_message=(
                _("Đánh dấu là hồ sơ tập huấn (không tính vào thống kê).")
                if is_training
                else _("Bỏ đánh dấu hồ sơ tập huấn.")
            ),
            single_object=True,
        )
    return locked
