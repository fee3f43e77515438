"""The desk's look and sidebar (django-unfold), grouped by domain."""

from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.desk.menu import DESK_NAVIGATION
from motcua.notifications.menu import NOTIFICATIONS_NAVIGATION


def _item(title, icon, url_name, permission=None):
    item = {"title": title, "icon": icon, "link": reverse_lazy(url_name)}
    if permission is not None:
        item["permission"] = permission
    return item


UNFOLD = {
    "SITE_TITLE": _("Một cửa điện tử"),
    "SITE_HEADER": _("motcua — Hệ thống thông tin một cửa điện tử"),
    "SITE_SYMBOL": "account_balance",
    "SHOW_LANGUAGES": True,
    "SHOW_HISTORY": True,
    # the change forms' phone layout (nothing wider than the screen)
    "STYLES": [lambda request: static("desk/forms.css")],
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": [
            DESK_NAVIGATION,
            NOTIFICATIONS_NAVIGATION,
            {
                "title": _("Hồ sơ"),
                "collapsible": True,
                "items": [
                    _item(_("Tất cả hồ sơ"), "folder_open", "admin:dossiers_dossier_changelist"),
                    _item(
                        _("Ủy quyền xử lý"), "swap_horiz", "admin:dossiers_delegation_changelist"
                    ),
                    _item(
                        _("Sổ theo dõi hồ sơ"),
                        "menu_book",
                        "printing:ledger",
                        "motcua.printing.access.may_print_request",
                    ),
                    _item(_("Mẫu in"), "print", "admin:printing_printtemplate_changelist"),
                ],
            },
            {
                "title": _("Đơn vị và phân quyền"),
                "collapsible": True,
                "items": [
                    _item(_("Đơn vị"), "account_tree", "admin:units_unit_changelist"),
                    _item(_("Cấp đơn vị"), "stairs", "admin:units_unitlevel_changelist"),
                    _item(_("Phân công cán bộ"), "badge", "admin:units_membership_changelist"),
                    _item(_("Người dùng"), "person", "admin:auth_user_changelist"),
                    _item(_("Vai trò"), "group", "admin:auth_group_changelist"),
                ],
            },
            {
                "title": _("Thủ tục hành chính"),
                "collapsible": True,
                "items": [
                    _item(_("Thủ tục"), "description", "admin:procedures_procedure_changelist"),
                    _item(_("Lĩnh vực"), "category", "admin:procedures_sector_changelist"),
                    _item(
                        _("Phiên bản thủ tục"),
                        "history",
                        "admin:procedures_procedureversion_changelist",
                    ),
                ],
            },
            {
                "title": _("Lịch làm việc và thời hạn"),
                "collapsible": True,
                "items": [
                    _item(
                        _("Lịch làm việc"),
                        "calendar_month",
                        "admin:core_workingcalendar_changelist",
                    ),
                    _item(_("Ngày nghỉ lễ"), "event_busy", "admin:core_holiday_changelist"),
                    _item(
                        _("Ngày làm bù"),
                        "event_available",
                        "admin:core_makeupworkingday_changelist",
                    ),
                    _item(
                        _("Tính lại thời hạn"),
                        "update",
                        "admin:core_deadlinerecomputation_changelist",
                    ),
                ],
            },
            {
                "title": _("Hệ thống"),
                "collapsible": True,
                "items": [
                    _item(
                        pgettext_lazy("menu", "Thanh toán trực tuyến"),
                        "payments",
                        "admin:integrations_payment_changelist",
                    ),
                    _item(
                        _("Hàng đợi gửi liên thông"),
                        "outbox",
                        "admin:integrations_outboxmessage_changelist",
                    ),
                    _item(_("Bản vá dữ liệu"), "build", "admin:jobs_appliedpatch_changelist"),
                    {
                        **_item(_("Thư đã gửi"), "mail", "admin:mailbox_outgoingmail_changelist"),
                        "permission": lambda request: request.user.is_superuser,
                    },
                ],
            },
        ],
    },
}
