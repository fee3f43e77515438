"""The security log and the role permission page, for the site administrator only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django_rq.admin import QueueAdmin
from django_rq.models import Dashboard
from unfold.admin import ModelAdmin
from unfold.decorators import display

from motcua.core.roles import Role
from motcua.security import log_display
from motcua.security import roles as role_rules
from motcua.security.decorators import site_administrator_required
from motcua.security.models import SecurityEvent
from motcua.units.admin_mixins import SiteAdministratorOnlyMixin
from motcua.units.admin_scope import is_site_administrator
from motcua.units.models import MembershipScope


@admin.register(SecurityEvent)
class SecurityEventAdmin(SiteAdministratorOnlyMixin, ModelAdmin):
    """The log in words: the account or role an event is about, who acted, what changed
    (:mod:`motcua.security.log_display`); the stored codes stay readable in "chi tiết"."""

    list_display = ["at", "kind", "subject", "actor_name", "summary", "ip", "path"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    list_filter_submit = True
    search_fields = ["username", "actor__username", "ip"]
    list_select_related = ["actor", "user"]
    fields = ["at", "kind", "subject", "actor_name", "summary", "ip", "path", "data"]
    readonly_fields = fields
    date_hierarchy = "at"

    @display(description=_("tài khoản hoặc vai trò"))
    def subject(self, obj: SecurityEvent) -> str:
        return log_display.event_subject(obj)

    @display(description=_("người thực hiện"))
    def actor_name(self, obj: SecurityEvent) -> str:
        return log_display.event_actor(obj) or "—"

    @display(description=_("nội dung thay đổi"))
    def summary(self, obj: SecurityEvent) -> str:
        return log_display.event_summary(obj) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_site_administrator(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_urls(self):
        view = self.admin_site.admin_view(self.role_permissions_view)
        return [
            path("role-permissions/", view, name="security_role_permissions"),
            *super().get_urls(),
        ]

    def role_permissions_view(self, request):
        """The matrix objects × rights of one role, with the scope it reads at."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        groups = list(Group.objects.order_by("name"))
        group_id = request.POST.get("role") or request.GET.get("role")
        group = get_object_or_404(Group, pk=group_id) if group_id else None
        if request.method == "POST" and request.POST.get("save") == "scopes":
            return self._save_scopes(request, groups, group)
        if request.method == "POST" and group is not None:
            chosen = {int(v) for v in request.POST.getlist("permission") if v.isdigit()}
            change = role_rules.role_permissions_update(
                group=group, chosen_ids=chosen, actor=request.user, request=request
            )
            messages.success(
                request,
                _("Đã lưu quyền của vai trò: thêm %(added)s, bỏ %(removed)s quyền.")
                % {"added": len(change["added"]), "removed": len(change["removed"])},
            )
            return redirect(f"{reverse('admin:security_role_permissions')}?role={group.pk}")
        held = set(group.permissions.values_list("pk", flat=True)) if group else set()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Phân quyền vai trò"),
            "roles": [
                {
                    "group": g,
                    "label": Role(g.name).label if g.name in Role.values else g.name,
                    "scope": role_rules.role_scope_label(g),
                    "scope_code": role_rules.role_scope(g),
                    "editable": g.name != Role.CITIZEN,
                }
                for g in groups
            ],
            "group": group,
            "rights": [(r, role_rules.RIGHT_LABELS[r]) for r in role_rules.RIGHTS],
            "rows": role_rules.object_rows() if group else [],
            "held": held,
            "scope_choices": MembershipScope.choices,
        }
        return TemplateResponse(request, "security/role_permissions.html", context)

    def _save_scopes(self, request, groups, group):
        """Save the scope column: one ``scope_<role id>`` field per role that has one."""
        changed = 0
        for g in groups:
            scope = request.POST.get(f"scope_{g.pk}")
            if not scope or g.name == Role.CITIZEN:
                continue
            try:
                if role_rules.role_scope_update(
                    group=g, scope=scope, actor=request.user, request=request
                ):
                    changed += 1
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
        messages.success(request, _("Đã lưu phạm vi xem của %(n)s vai trò.") % {"n": changed})
        target = reverse("admin:security_role_permissions")
        return redirect(f"{target}?role={group.pk}" if group is not None else target)


# django-rq's own admin dashboard (/admin/django_rq/dashboard/) is open to every staff member like
# /django-rq/: the site administrator only, there too.
if admin.site.is_registered(Dashboard):
    admin.site.unregister(Dashboard)

    @admin.register(Dashboard)
    class JobDashboardAdmin(QueueAdmin):
        def has_module_permission(self, request):
            return is_site_administrator(request.user)

        def has_view_permission(self, request, obj=None):
            return is_site_administrator(request.user)

        def get_urls(self):
            return [
                URLPattern(
                    p.pattern, site_administrator_required(p.callback), p.default_args, p.name
                )
                for p in super().get_urls()
            ]
