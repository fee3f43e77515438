"""The desk's notifications page (the bell's target) and marking them read."""

from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.desk.mixins import desk_required
from motcua.desk.shortcuts import desk_render
from motcua.notifications.selectors import desk_notifications
from motcua.notifications.services import notifications_mark_read

PAGE_SIZE = 30


@require_GET
@desk_required
def inbox_view(request):
    rows = desk_notifications(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return desk_render(
        request,
        "notifications/inbox.html",
        {
            "title": _("Thông báo của tôi"),
            "page": page,
            "unread": rows.filter(read_at__isnull=True).exists(),
        },
    )


@require_POST
@desk_required
def read_view(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:inbox")
