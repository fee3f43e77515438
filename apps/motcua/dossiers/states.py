"""Dossier states and actions (DESIGN §3), as TextChoices with Vietnamese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ tiếp nhận (nộp trực tuyến)")
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang giải quyết")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Chờ bổ sung hồ sơ")
    SUSPENDED = "suspended", _("Tạm dừng")
    RESULT_READY = "result_ready", _("Có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    REJECTED = "rejected", _("Từ chối")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng giải quyết")


#: States in which the dossier is finished; nothing moves it out of them.
TERMINAL = frozenset({Status.RETURNED, Status.REJECTED, Status.WITHDRAWN, Status.STOPPED})
#: States in which the processing clock is stopped (DESIGN §4, pauses).
PAUSED = frozenset({Status.SUPPLEMENT_REQUESTED, Status.SUSPENDED})
#: Open dossiers whose deadlines are live (recomputed when the calendar changes).
OPEN = frozenset(set(Status) - TERMINAL)


class Action(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    ACCEPT = "accept", _("Tiếp nhận hồ sơ trực tuyến")
    REFUSE_INTAKE = "refuse_intake", _("Từ chối tiếp nhận")
    START = "start", _("Bắt đầu xử lý")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    RETURN_PREVIOUS = "return_previous", _("Trả lại bước trước")
    CONSULT = "consult", _("Xin ý kiến")
    ANSWER_CONSULTATION = "answer_consultation", _("Trả lời xin ý kiến")
    APPROVE = "approve", _("Phê duyệt")
    ISSUE_RESULT = "issue_result", _("Ký, ban hành kết quả")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
    SUSPEND = "suspend", _("Tạm dừng")
    RESUME = "resume", _("Tiếp tục xử lý")
    REFUSE = "refuse", _("Từ chối giải quyết")
    STOP = "stop", _("Dừng giải quyết")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    TRANSFER = "transfer", _("Chuyển liên thông")
    APOLOGIZE = "apologize", _("Xin lỗi, hẹn lại ngày trả")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    CLOSE_TRAINING = "close_training", _("Đóng hồ sơ tập huấn")
    SET_DELIVERY = "set_delivery", _("Chọn hình thức nhận kết quả")
    LINK_ACCOUNT = "link_account", _("Gắn hồ sơ với tài khoản công dân")
    RECALCULATE = "recalculate", _("Điều chỉnh hạn theo lịch làm việc")
