"""Desk page "Thư đã gửi": the messages the site sent or kept, for administrators only.

Messages hold personal data (names, links that activate an account), so only superusers see them.
The body is shown with its links clickable: on the embedded default this is how a new citizen's
verification link is opened.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from motcua.mailbox.models import OutgoingMail

OUTCOME_COLOURS = {
    OutgoingMail.Outcome.KEPT: "info",
    OutgoingMail.Outcome.SENT: "success",
    OutgoingMail.Outcome.FAILED: "danger",
}


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ModelAdmin):
    list_display = ["subject", "to", "sent_at", "outcome_label"]
    list_display_links = ["subject"]
    list_filter = ["outcome"]
    list_filter_submit = True
    search_fields = ["to", "subject"]
    show_full_result_count = False  # no COUNT(*) over the whole table on each page
    fields = ["sent_at", "from_address", "to", "subject", "outcome_text", "error", "message"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("thời điểm"), ordering="created_at")
    def sent_at(self, obj) -> str:
        return date_format(timezone.localtime(obj.created_at), "d/m/Y H:i:s")

    @display(description=_("kết quả"), label=OUTCOME_COLOURS)
    def outcome_label(self, obj):
        return obj.outcome, obj.get_outcome_display()

    @display(description=_("kết quả"))
    def outcome_text(self, obj) -> str:
        return obj.get_outcome_display()

    @display(description=_("nội dung"))
    def message(self, obj) -> str:
        return mark_safe(linebreaks(urlize(obj.body, autoescape=True), autoescape=False))
