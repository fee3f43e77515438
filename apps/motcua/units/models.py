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

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from motcua.core.roles import SUBTREE_ROLES
from motcua.core.text import fold
from motcua.core.uploads import validate_stored_upload

#: QCVN 102:2016/BTTTT agency code: ``XXX.YY.ZZ.Hnn`` (e.g. ``000.00.01.H27``), 13 characters.
QCVN_102_RE = r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}"
#: QĐ 20/2020/QĐ-TTg Điều 4 (amended by QĐ 09/2025/QĐ-TTg): at most 35 characters, groups of
#: digits and capital letters separated by dots, developed left to right; the first group is the
#: level-1 code ``MX1X2`` (M a letter A–Y, then two digits, e.g. ``H27``), each next group a unit
#: under the previous one (e.g. ``H27.01.15``). Phụ lục I (the level-1 list) and the group lengths
#: of the later levels are not available to us, so later groups are any run of digits and capitals.
QD_20_2020_RE = r"[A-Y]\d{2}(?:\.[0-9A-Z]+)*"
AGENCY_CODE_RE = rf"^(?:{QCVN_102_RE}|{QD_20_2020_RE})$"
AGENCY_CODE_MAX_LENGTH = 35


def agency_code_validator(value: str) -> None:
    """Accept a QCVN 102:2016 code or a QĐ 20/2020 code, at most 35 characters either way."""
    if len(value or "") > AGENCY_CODE_MAX_LENGTH or not re.fullmatch(AGENCY_CODE_RE, value or ""):
        raise ValidationError(
            _(
                "Mã định danh phải theo QCVN 102:2016/BTTTT, dạng 000.00.01.H27 (3 số, 2 số, "
                "2 số, một chữ in hoa và 2 số, ngăn bởi dấu chấm), hoặc theo QĐ 20/2020/QĐ-TTg "
                "(mã cấp 1 như H27, tiếp theo là các nhóm chữ số, chữ in hoa ngăn bởi dấu chấm, "
                "ví dụ H27.01.15), tối đa 35 ký tự."
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
        max_length=AGENCY_CODE_MAX_LENGTH,
        unique=True,
        validators=[agency_code_validator],
        help_text=_(
            "Mã định danh điện tử theo QCVN 102:2016/BTTTT, ví dụ 000.00.01.H27, hoặc mã "
            "theo QĐ 20/2020/QĐ-TTg như H27.01.15 (tối đa 35 ký tự)."
        ),
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
    valid_from = models.DateField(
        _("hiệu lực từ ngày"),
        null=True,
        blank=True,
        help_text=_("Ngày đơn vị được thành lập hoặc bắt đầu hoạt động; để trống nếu không rõ."),
    )
    valid_to = models.DateField(
        _("hết hiệu lực từ ngày"),
        null=True,
        blank=True,
        help_text=_(
            "Ngày đơn vị chấm dứt hoạt động (sáp nhập, chia tách, giải thể). Đơn vị đã chấm dứt "
            "vẫn giữ hồ sơ, thống kê và biểu mẫu với tên, mã của nó."
        ),
    )

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
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            errors["valid_to"] = _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
        if (
            self.agency_code
            and UnitIdentity.objects.filter(agency_code=self.agency_code)
            .exclude(unit_id=self.pk)
            .exists()
        ):
            errors["agency_code"] = _(
                "Mã định danh này là mã cũ của một đơn vị khác; mã cũ không được dùng lại "
                "(mã hồ sơ đã cấp chứa nó)."
            )
        if errors:
            raise ValidationError(errors)


class UnitIdentity(models.Model):
    """A name and agency code a unit *used to have*, until the day before ``valid_to``.

    Rule: the unit's own columns hold its identity from the last change on; each earlier identity
    is one row here, written by a rename or re-code (:mod:`motcua.dossiers.reorganisation`). The
    identity on day D is the row with the smallest ``valid_to`` after D, or the current one when
    none is (:func:`motcua.units.history.unit_identity_at`). Old dossier codes embed old agency
    codes, so a former code is never given to another unit (``Unit.clean``).
    """

    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="former_identities", verbose_name=_("đơn vị")
    )
    agency_code = models.CharField(
        _("mã định danh"), max_length=AGENCY_CODE_MAX_LENGTH, db_index=True
    )
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    parent = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị cấp trên"),
    )
    valid_from = models.DateField(_("dùng từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("thay đổi từ ngày"))
    reorganisation = models.ForeignKey(
        "units.Reorganisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="identities",
        verbose_name=_("đợt sắp xếp"),
    )

    class Meta:
        verbose_name = _("tên, mã trước đây của đơn vị")
        verbose_name_plural = _("tên, mã trước đây của đơn vị")
        ordering = ["unit", "valid_to", "id"]
        indexes = [models.Index(fields=["unit", "valid_to"], name="unitidentity_unit_to")]

    def __str__(self):
        return f"{self.name} ({self.agency_code}) — đến {self.valid_to:%d/%m/%Y}"


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


class ReorganisationKind(models.TextChoices):
    MERGE = "merge", _("Hợp nhất, sáp nhập nhiều đơn vị thành một")
    SPLIT = "split", _("Chia tách một đơn vị thành nhiều đơn vị")
    RENAME = "rename", _("Đổi tên, đổi mã định danh")
    MOVE = "move", _("Chuyển sang đơn vị cấp trên khác")
    CLOSE = "close", _("Chấm dứt hoạt động (giao hồ sơ từng hồ sơ)")


class ReorganisationStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo, chưa thực hiện")
    QUEUED = "queued", _("Đã xác nhận, chờ thực hiện")
    RUNNING = "running", _("Đang thực hiện")
    DONE = "done", _("Đã thực hiện xong")
    FAILED = "failed", _("Lỗi, chưa xong (có thể chạy lại)")


class MembershipPolicy(models.TextChoices):
    MOVE = "move", _("Chuyển phân công cán bộ sang đơn vị kế thừa")
    END = "end", _("Chấm dứt phân công cán bộ tại đơn vị cũ")


class Reorganisation(models.Model):
    """One reorganisation of units, its legal decision, and — once run — what it moved.

    The whole change is this one record (docs/architecture.md, Units and reorganisation): the
    predecessors (``sources``), the successor (an existing unit, or one created from the
    ``new_*`` fields), the decision, who prepared and who confirmed it, the job's progress
    (``done`` of ``total``) and the ``outcome`` (counts and ids of what moved). Nothing is deleted:
    predecessors are closed (``valid_to``), memberships ended, and each re-homed dossier gets a
    ``rehome`` event naming this record.
    """

    kind = models.CharField(_("loại sắp xếp"), max_length=10, choices=ReorganisationKind.choices)
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=ReorganisationStatus.choices,
        default=ReorganisationStatus.DRAFT,
        db_index=True,
    )
    effective_date = models.DateField(_("ngày có hiệu lực"))
    decision_number = models.CharField(_("số quyết định, nghị quyết"), max_length=100)
    decision_date = models.DateField(_("ngày ban hành"))
    decision_issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    decision_file = models.FileField(
        _("tệp văn bản"),
        upload_to="reorganisations/%Y/",
        blank=True,
        max_length=200,
        validators=[validate_stored_upload],
    )
    decision_original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    sources = models.ManyToManyField(
        Unit, related_name="reorganisations_as_source", verbose_name=_("đơn vị bị sắp xếp")
    )
    successor = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reorganisations_as_successor",
        verbose_name=_("đơn vị kế thừa"),
        help_text=_("Hợp nhất: đơn vị hiện có nhận hồ sơ; chia tách: đơn vị kế thừa chính."),
    )
    other_successors = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="+",
        verbose_name=_("các đơn vị kế thừa khác (chia tách)"),
    )
    new_name = models.CharField(_("tên mới"), max_length=255, blank=True)
    new_short_name = models.CharField(_("tên viết tắt mới"), max_length=100, blank=True)
    new_agency_code = models.CharField(
        _("mã định danh mới"),
        max_length=AGENCY_CODE_MAX_LENGTH,
        blank=True,
        validators=[agency_code_validator],
    )
    new_level = models.ForeignKey(
        UnitLevel, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("cấp")
    )
    new_parent = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị cấp trên mới"),
    )
    memberships = models.CharField(
        _("phân công cán bộ"),
        max_length=4,
        choices=MembershipPolicy.choices,
        default=MembershipPolicy.MOVE,
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người lập")
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xác nhận"),
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu chạy"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    total = models.PositiveIntegerField(_("tổng số việc"), default=0)
    done = models.PositiveIntegerField(_("đã làm"), default=0)
    outcome = models.JSONField(_("kết quả"), default=dict, blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("sắp xếp đơn vị hành chính")
        verbose_name_plural = _("sắp xếp đơn vị hành chính")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return (
            f"{self.get_kind_display()} — {self.decision_number} ({self.effective_date:%d/%m/%Y})"
        )


class UnitSuccession(models.Model):
    """``predecessor`` ended and its work went to ``successor`` on ``effective_date``.

    The graph statistics and scope read (docs/architecture.md, Units and reorganisation): by the
    current structure a unit includes every predecessor, transitively
    (:func:`motcua.units.history.units_of`).
    """

    predecessor = models.ForeignKey(
        Unit, models.PROTECT, related_name="successions", verbose_name=_("đơn vị cũ")
    )
    successor = models.ForeignKey(
        Unit, models.PROTECT, related_name="predecessions", verbose_name=_("đơn vị kế thừa")
    )
    effective_date = models.DateField(_("ngày có hiệu lực"))
    reorganisation = models.ForeignKey(
        Reorganisation, models.PROTECT, null=True, blank=True, related_name="successions"
    )
    is_principal = models.BooleanField(
        _("kế thừa chính"),
        default=True,
        help_text=_("Đơn vị nhận hồ sơ, quy trình và mã cũ của đơn vị cũ (chia tách: một đơn vị)."),
    )

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="units_succession_unique_pair"
            )
        ]

    def __str__(self):
        return f"{self.predecessor_id} → {self.successor_id} ({self.effective_date})"
