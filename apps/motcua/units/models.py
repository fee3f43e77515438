"""Administrative units (đơn vị), their levels, and who works where (docs/architecture.md, Lifecycle and Scope).

The tree is a hand-written *materialized path*: every unit stores ``path``, the primary keys from
the root down to itself (``/1/5/12/``), and ``depth`` (0 for a root). Rules:

1. ``path`` and ``depth`` are derived, never typed; ``Unit.save()`` recomputes them from ``parent``.
2. Moving a unit rewrites the paths of all its descendants in the same transaction, with one
   ``UPDATE`` (string prefix replacement), so a subtree query never sees a half-moved tree.
3. A unit can never be its own ancestor: ``clean()`` gives the form error, ``save()`` refuses too.
4. ``loaddata`` bypasses ``save()``; after loading raw fixtures run
   :func:`motcua.units.services.unit_rebuild_paths` (``manage.py units_rebuild_paths``).

Because ``save()`` keeps the invariant, the desk, XLSX import, fixtures loaders and the shell are all
safe; :mod:`motcua.units.services` adds validation (``full_clean``) for callers outside forms.
django-mptt (unmaintained) and django-treebeard (a node API that fights admin forms and
import-export) were considered and rejected.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from motcua.core.roles import SUBTREE_ROLES
from motcua.core.text import fold

#: QCVN 102:2016/BTTTT agency code: ``XXX.YY.ZZ.Hnn`` (e.g. ``000.00.01.H27``).
AGENCY_CODE_RE = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"

agency_code_validator = RegexValidator(
    AGENCY_CODE_RE,
    message=_(
        "Mã định danh phải theo QCVN 102:2016/BTTTT, dạng 000.00.01.H27 "
        "(3 số, 2 số, 2 số, một chữ in hoa và 2 số, ngăn bởi dấu chấm)."
    ),
    code="invalid_agency_code",
)

OWN_ANCESTOR_MESSAGE = _("Đơn vị không thể là cấp trên của chính nó hoặc của đơn vị cấp trên nó.")


class UnitLevelManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class UnitLevel(models.Model):
    """A level of the administrative tree (tỉnh, sở/huyện, xã…); levels are data, not code."""

    code = models.SlugField(_("mã cấp"), max_length=40, unique=True)
    name = models.CharField(_("tên cấp"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("thứ bậc"),
        help_text=_(
            "1 là cấp tỉnh, 2 là sở, ngành hoặc cấp huyện, 3 là cấp xã; số càng lớn càng thấp."
        ),
    )

    objects = UnitLevelManager()

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("cấp đơn vị")
        verbose_name_plural = _("cấp đơn vị")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class UnitManager(models.Manager):
    def get_by_natural_key(self, agency_code):
        return self.get(agency_code=agency_code)


class Unit(models.Model):
    """An administrative unit with its QCVN 102:2016 agency code; see the module docstring."""

    agency_code = models.CharField(
        _("mã định danh"),
        max_length=20,
        unique=True,
        validators=[agency_code_validator],
        help_text=_("Mã định danh điện tử theo QCVN 102:2016/BTTTT, ví dụ 000.00.01.H27."),
        error_messages={"unique": _("Mã định danh này đã được dùng cho một đơn vị khác.")},
    )
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    level = models.ForeignKey(
        UnitLevel, on_delete=models.PROTECT, related_name="units", verbose_name=_("cấp")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    path = models.CharField(
        _("đường dẫn cây"), max_length=255, editable=False, blank=True, db_index=True
    )
    depth = models.PositiveSmallIntegerField(_("độ sâu"), editable=False, default=0)
    search_text = models.TextField(editable=False, blank=True)

    objects = UnitManager()
    # Derived columns are rebuilt from parent/code/name, so history need not record them.
    history = HistoricalRecords(excluded_fields=["path", "depth", "search_text"])

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self):
        return f"{self.name} ({self.agency_code})"

    def save(self, *args, **kwargs):
        """Save and keep ``path``/``depth`` of this unit and its descendants correct (rule 1–3)."""
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "path", "depth"}
        with transaction.atomic(using=kwargs.get("using")):
            parent_path, parent_depth = "/", -1
            if self.parent_id is not None:
                parent_path, parent_depth = (
                    Unit.objects.select_for_update()
                    .filter(pk=self.parent_id)
                    .values_list("path", "depth")
                    .get()
                )
            stored = self._stored_path()
            if stored is not None and parent_path.startswith(stored[0]):
                raise ValidationError({"parent": OWN_ANCESTOR_MESSAGE})
            new_depth = parent_depth + 1
            if self.pk is not None:
                self.path, self.depth = f"{parent_path}{self.pk}/", new_depth
                super().save(*args, **kwargs)
            else:
                super().save(*args, **kwargs)  # the pk is part of the path: insert first
                self.path, self.depth = f"{parent_path}{self.pk}/", new_depth
                Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if stored is not None and stored[0] != self.path:
                old_path, old_depth = stored
                Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(
                        Value(self.path),
                        Substr("path", len(old_path) + 1),
                        output_field=models.CharField(),
                    ),
                    depth=F("depth") + (new_depth - old_depth),
                )

    def build_search_text(self) -> str:
        return fold(f"{self.agency_code} {self.name}")

    def natural_key(self):
        return (self.agency_code,)

    natural_key.dependencies = ["units.unitlevel"]

    # -- tree helpers --------------------------------------------------------------------------

    @property
    def ancestor_ids(self) -> list[int]:
        """Return the primary keys of the ancestors, root first (from ``path``)."""
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def _stored_path(self) -> tuple[str, int] | None:
        if self.pk is None or self._state.adding:
            return None
        return Unit.objects.filter(pk=self.pk).values_list("path", "depth").first()

    def clean(self):
        super().clean()
        errors = {}
        if self.parent_id is not None and self.pk is not None:
            stored = self._stored_path()
            if self.parent_id == self.pk or (
                stored
                and Unit.objects.filter(pk=self.parent_id, path__startswith=stored[0]).exists()
            ):
                errors["parent"] = OWN_ANCESTOR_MESSAGE
        if self.parent_id is not None and self.level_id is not None and "parent" not in errors:
            parent = Unit.objects.select_related("level").filter(pk=self.parent_id).first()
            if parent is not None and parent.level.rank >= self.level.rank:
                errors["level"] = _(
                    "Cấp của đơn vị phải thấp hơn cấp của đơn vị cấp trên (%(parent)s)."
                ) % {"parent": parent.level.name}
        if (
            self.pk is not None
            and self.level_id is not None
            and "level" not in errors
            and self.children.filter(level__rank__lte=self.level.rank).exists()
        ):
            errors["level"] = _("Cấp của đơn vị phải cao hơn cấp của các đơn vị trực thuộc.")
        if errors:
            raise ValidationError(errors)


class MembershipScope(models.TextChoices):
    UNIT = "unit", _("Đơn vị")
    SUBTREE = "subtree", _("Đơn vị và các đơn vị trực thuộc")
    ALL = "all", _("Toàn hệ thống")


class Membership(models.Model):
    """Bind a user to a unit with a role (a Django group); the scope says how far down it reaches.

    docs/architecture.md, Scope: leaders, supervisors and administrators see their unit and its descendants; other
    roles see their unit only. A blank scope takes that default from the role.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("người dùng"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("đơn vị")
    )
    role = models.ForeignKey(
        "auth.Group",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("vai trò"),
    )
    scope = models.CharField(
        _("phạm vi"),
        max_length=10,
        choices=MembershipScope.choices,
        blank=True,
        help_text=_(
            "Để trống để lấy theo vai trò: lãnh đạo, giám sát, quản trị thấy cả đơn vị trực thuộc."
        ),
    )
    is_active = models.BooleanField(_("đang hiệu lực"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        ordering = ["unit__path", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="units_membership_unique_user_unit_role",
                violation_error_message=_(
                    "Người dùng này đã được phân công vai trò này tại đơn vị này."
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.role} — {self.unit}"

    def save(self, *args, **kwargs):
        if not self.scope and self.role_id is not None:
            self.scope = self.default_scope_for(self.role.name)
        super().save(*args, **kwargs)

    @staticmethod
    def default_scope_for(role_name: str) -> str:
        """Return the scope a role gets when none is chosen (docs/architecture.md, Scope).

        The scope is data: the role's row in :class:`~motcua.security.models.RoleScope`, which the
        site administrator edits on the role permission page. A role without a row (a group made
        after the data migration and never saved on that page) gets the shipped default.
        """
        from motcua.security.models import RoleScope

        stored = (
            RoleScope.objects.filter(group__name=role_name).values_list("scope", flat=True).first()
        )
        return stored or shipped_scope_for(role_name)


def shipped_scope_for(role_name: str) -> str:
    """The scope shipped for a role: subtree for leaders, supervisors and administrators, the unit
    for the others (the defaults before the scope became data)."""
    return MembershipScope.SUBTREE if role_name in SUBTREE_ROLES else MembershipScope.UNIT
