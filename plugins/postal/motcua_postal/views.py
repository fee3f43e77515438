"""The desk page "Gửi kết quả qua bưu chính": the dossiers waiting for the post, and "send".

Reads go through ``dossiers_visible`` (``services.dossiers_awaiting_post``); sending goes
through ``services.shipment_register`` (the lifecycle's ``return_result``), which checks the
officer's right again.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.desk.mixins import desk_required
from motcua.desk.shortcuts import desk_render
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.services import DossierError
from motcua_postal.services import PostalError, dossiers_awaiting_post, shipment_register

PAGE_SIZE = 30


@require_GET
@desk_required
def pending_view(request):
    rows = dossiers_awaiting_post(user=request.user).select_related("procedure_version")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return desk_render(
        request,
        "motcua_postal/pending.html",
        {"title": _("Gửi kết quả qua bưu chính"), "page": page},
    )


@require_POST
@desk_required
def send_view(request, pk: int):
    try:
        shipment = shipment_register(dossier_id=pk, user=request.user)
    except (PostalError, DossierError, ActionForbidden) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã gửi kết quả hồ sơ %(code)s qua bưu chính, mã vận đơn %(tracking)s.")
            % {"code": shipment.dossier.code, "tracking": shipment.tracking},
        )
    return redirect("postal:pending")
