"""Desk page "Khóa truy cập API": tokens of integration accounts, for site administrators only.

A token acts as its user, with that user's memberships and scope (docs/api.md), so issuing one is
as sensitive as creating the account: only superusers see this page. A key is shown once, when it
is issued; the list shows only its first characters.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework.authtoken.models import TokenProxy
from unfold.admin import ModelAdmin
from unfold.views import ChangeList

from motcua.core.people import person_name

if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)

TokenProxy._meta.verbose_name = _lazy("khóa truy cập API")
TokenProxy._meta.verbose_name_plural = _lazy("khóa truy cập API")
# A token's primary key IS its secret: pages, links and the admin log name it by its prefix and
# address it by its holder's id (one token per user), never by the key.
TokenProxy.__str__ = lambda token: f"{token.key[:6]}…"  # type: ignore[method-assign]


class _ByHolder(ChangeList):
    """Rows link to the revoke page addressed by the holder's id."""

    def url_for_result(self, result) -> str:
        return reverse("admin:authtoken_tokenproxy_delete", args=(result.user_id,))


@admin.register(TokenProxy)
class ApiTokenAdmin(ModelAdmin):
    list_display = ["key_prefix", "holder", "created"]
    fields = ["user"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    actions = None

    def _site_administrator(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._site_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self._site_administrator(request)

    def has_add_permission(self, request):
        return self._site_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return self._site_administrator(request)

    def has_change_permission(self, request, obj=None):
        return False  # a key is revoked (deleted) and issued anew, never edited

    def get_changelist(self, request, **kwargs):
        return _ByHolder

    def get_object(self, request, object_id, from_field=None):
        """Find the token by its holder's id (the URL never carries the key)."""
        try:
            holder = get_user_model()._meta.pk.to_python(object_id)
        except (ValidationError, ValueError):  # a malformed id: no such object
            return None
        return self.get_queryset(request).filter(user_id=holder).first()

    @admin.display(description=_lazy("khóa"))
    def key_prefix(self, token) -> str:
        return str(token)

    @admin.display(description=_lazy("tài khoản"))
    def holder(self, token) -> str:
        return f"{person_name(token.user)} ({token.user.get_username()})"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            _("Khóa truy cập của %(user)s: %(key)s — chỉ hiển thị một lần, hãy lưu lại ngay.")
            % {"user": obj.user.get_username(), "key": obj.key},
        )
