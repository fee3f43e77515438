"""The desk's notifications page (the bell's target) and marking them read."""

from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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


@require_http_methods(["GET", "POST"])
@desk_required
def contact_view(request):
    """The person's own SMS phone and Zalo id, where the ladder and digests reach them."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    from motcua.notifications.models import StaffContact
    from motcua.notifications.services import staff_contact_save

    contact = StaffContact.objects.filter(user=request.user).first()
    values = {
        "phone": request.POST.get("phone", contact.phone if contact else "").strip(),
        "zalo_user_id": request.POST.get(
            "zalo_user_id", contact.zalo_user_id if contact else ""
        ).strip(),
    }
    errors: dict = {}
    if request.method == "POST":
        try:
            staff_contact_save(user=request.user, by=request.user, **values)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Đã lưu thông tin nhận thông báo."))
            return redirect("notifications:contact")
    return desk_render(
        request,
        "notifications/contact.html",
        {"title": _("Nhận thông báo qua SMS, Zalo"), "values": values, "errors": errors},
        status=400 if errors else 200,
    )
