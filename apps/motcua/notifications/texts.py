"""The one table of notification texts: per event a subject and a body, in Vietnamese and English.

A desk copy (:class:`~motcua.notifications.models.NotificationTemplate`) for an event, channel and
language replaces the shipped text. Both are sources for the sandboxed engine of the print forms
(:mod:`motcua.printing.sandbox`): plain data only, autoescape on. Short channels (SMS, Zalo) send
the subject line when the desk has no copy of their own, to fit one message.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from django.template import Context, TemplateSyntaxError

from motcua.printing.sandbox import compile_source, template_problem

#: event → language → (subject, body). The citizen events follow the dossier events of
#: QĐ 766 and Nghị định 61/2018 Điều 18–19 (receipt with appointment, supplement, result, refusal,
#: stop, apology with the new date).
DEFAULTS: dict[str, dict[str, tuple[str, str]]] = {
    "appointment_changed": {
        "vi": (
            "Hồ sơ {{ code }}: ngày hẹn trả kết quả mới {{ due_at|vn_moment }}",
            "Kính gửi {{ applicant_name }},\nDo thay đổi lịch làm việc, ngày hẹn trả kết quả của "
            "hồ sơ {{ code }} ({{ procedure }}) được điều chỉnh: {{ note }}.",
        ),
        "en": (
            "Dossier {{ code }}: new result date {{ due_at|vn_moment }}",
            "Dear {{ applicant_name }},\nThe working calendar changed, so the result date of "
            "dossier {{ code }} ({{ procedure }}) moved: {{ note }}.",
        ),
    },
    # The online submission's receipt: the code, before the office takes the dossier in.
    "submitted": {
        "vi": (
            "Đã nộp hồ sơ {{ code }}",
            "Kính gửi {{ applicant_name }},\n\nHồ sơ “{{ procedure }}” của ông/bà đã được nộp "
            "trực tuyến đến {{ unit }}.\nMã hồ sơ: {{ code }}\n\nCán bộ một cửa sẽ kiểm tra và "
            "tiếp nhận hồ sơ; ông/bà theo dõi tình trạng tại: {{ status_url }}\n",
        ),
        "en": (
            "Dossier {{ code }} submitted",
            "Dear {{ applicant_name }},\n\nYour dossier “{{ procedure }}” was submitted online "
            "to {{ unit }}.\nDossier code: {{ code }}\n\nThe one-stop shop will check and take "
            "it in; follow it at: {{ status_url }}\n",
        ),
    },
    "received": {
        "vi": (
            "Hồ sơ {{ code }} đã được tiếp nhận, hẹn trả {{ due_at|vn_moment }}",
            "Kính gửi {{ applicant_name }},\nHồ sơ {{ code }} ({{ procedure }}) đã được tiếp "
            "nhận. Ngày hẹn trả kết quả: {{ due_at|vn_moment }}.",
        ),
        "en": (
            "Dossier {{ code }} received, result due {{ due_at|vn_moment }}",
            "Dear {{ applicant_name }},\nYour dossier {{ code }} ({{ procedure }}) has been "
            "received. The result is due on {{ due_at|vn_moment }}.",
        ),
    },
    "supplement_requested": {
        "vi": (
            "Hồ sơ {{ code }} cần bổ sung giấy tờ",
            "Kính gửi {{ applicant_name }},\nHồ sơ {{ code }} cần bổ sung:\n"
            "{% for item in items %}- {{ item }}\n{% endfor %}{{ note }}",
        ),
        "en": (
            "Dossier {{ code }} needs more documents",
            "Dear {{ applicant_name }},\nPlease supplement dossier {{ code }} with:\n"
            "{% for item in items %}- {{ item }}\n{% endfor %}{{ note }}",
        ),
    },
    "result_ready": {
        "vi": (
            "Hồ sơ {{ code }} đã có kết quả",
            "Kính gửi {{ applicant_name }},\nHồ sơ {{ code }} ({{ procedure }}) đã có kết quả.",
        ),
        "en": (
            "The result of dossier {{ code }} is ready",
            "Dear {{ applicant_name }},\nThe result of dossier {{ code }} ({{ procedure }}) is "
            "ready.",
        ),
    },
    "refused": {
        "vi": (
            "Hồ sơ {{ code }} bị từ chối",
            "Kính gửi {{ applicant_name }},\nHồ sơ {{ code }} bị từ chối. Lý do: {{ note }}",
        ),
        "en": (
            "Dossier {{ code }} was refused",
            "Dear {{ applicant_name }},\nDossier {{ code }} was refused. Reason: {{ note }}",
        ),
    },
    "returned": {
        "vi": (
            "Hồ sơ {{ code }} đã trả kết quả{% if postal_tracking %}, mã vận đơn "
            "{{ postal_tracking }}{% endif %}",
            "Kính gửi {{ applicant_name }},\nKết quả hồ sơ {{ code }} ({{ procedure }}) đã được "
            "trả{% if postal_tracking %} qua bưu chính: {{ postal_carrier }}, mã vận đơn "
            "{{ postal_tracking }}, gửi ngày {{ postal_sent_on|vn_date }} đến địa chỉ "
            "{{ delivery_address }}{% endif %}.{% if status_url %}\nTra cứu hồ sơ: "
            "{{ status_url }}{% endif %}",
        ),
        "en": (
            "The result of dossier {{ code }} was delivered{% if postal_tracking %}, tracking "
            "number {{ postal_tracking }}{% endif %}",
            "Dear {{ applicant_name }},\nThe result of dossier {{ code }} ({{ procedure }}) was "
            "delivered{% if postal_tracking %} by post: {{ postal_carrier }}, tracking number "
            "{{ postal_tracking }}, sent on {{ postal_sent_on|vn_date }} to "
            "{{ delivery_address }}{% endif %}.{% if status_url %}\nYour dossier: "
            "{{ status_url }}{% endif %}",
        ),
    },
    "stopped": {
        "vi": (
            "Hồ sơ {{ code }} bị dừng giải quyết",
            "Kính gửi {{ applicant_name }},\nHồ sơ {{ code }} bị dừng giải quyết. Lý do: "
            "{{ note }}",
        ),
        "en": (
            "Processing of dossier {{ code }} was stopped",
            "Dear {{ applicant_name }},\nProcessing of dossier {{ code }} was stopped. Reason: "
            "{{ note }}",
        ),
    },
    "apology": {
        "vi": (
            "Hồ sơ {{ code }} trả chậm, hẹn lại {{ new_due_at|vn_moment }}",
            "Kính gửi {{ applicant_name }},\nCơ quan xin lỗi vì hồ sơ {{ code }} trả kết quả "
            "chậm. Ngày hẹn trả mới: {{ new_due_at|vn_moment }}. {{ note }}",
        ),
        "en": (
            "Dossier {{ code }} is late, new date {{ new_due_at|vn_moment }}",
            "Dear {{ applicant_name }},\nWe apologise that dossier {{ code }} is late. The new "
            "date is {{ new_due_at|vn_moment }}. {{ note }}",
        ),
    },
    "due_soon": {
        "vi": (
            "Hồ sơ {{ code }} sắp đến hạn ({{ due_at|vn_moment }})",
            "Hồ sơ {{ code }} — {{ applicant_name }} ({{ procedure }}), bước “{{ step }}” do "
            "{{ assignee }} xử lý, đến hạn lúc {{ due_at|vn_moment }}.",
        ),
        "en": (
            "Dossier {{ code }} is due soon ({{ due_at|vn_moment }})",
            "Dossier {{ code }} — {{ applicant_name }} ({{ procedure }}), step “{{ step }}” "
            "handled by {{ assignee }}, is due at {{ due_at|vn_moment }}.",
        ),
    },
    "overdue": {
        "vi": (
            "Hồ sơ {{ code }} đã quá hạn",
            "Hồ sơ {{ code }} — {{ applicant_name }} ({{ procedure }}), bước “{{ step }}” do "
            "{{ assignee }} xử lý, quá hạn từ {{ due_at|vn_moment }}.",
        ),
        "en": (
            "Dossier {{ code }} is overdue",
            "Dossier {{ code }} — {{ applicant_name }} ({{ procedure }}), step “{{ step }}” "
            "handled by {{ assignee }}, has been overdue since {{ due_at|vn_moment }}.",
        ),
    },
    "overdue_days": {
        "vi": (
            "Hồ sơ {{ code }} quá hạn {{ overdue_days }} ngày làm việc",
            "Hồ sơ {{ code }} — {{ applicant_name }} ({{ procedure }}) tại {{ unit }}, do "
            "{{ assignee }} xử lý, quá hạn {{ overdue_days }} ngày làm việc (hạn "
            "{{ due_at|vn_moment }}).",
        ),
        "en": (
            "Dossier {{ code }} is {{ overdue_days }} working days overdue",
            "Dossier {{ code }} — {{ applicant_name }} ({{ procedure }}) at {{ unit }}, handled "
            "by {{ assignee }}, is {{ overdue_days }} working days overdue (due "
            "{{ due_at|vn_moment }}).",
        ),
    },
    "apology_draft": {
        "vi": (
            "Hồ sơ {{ code }} quá hạn: cần văn bản xin lỗi (mẫu 04)",
            "Hồ sơ {{ code }} — {{ applicant_name }} ({{ procedure }}) quá hạn từ "
            "{{ due_at|vn_moment }}. Đã lập dự thảo văn bản xin lỗi, ngày hẹn lại đề xuất "
            "{{ new_due_at|vn_moment }}; vui lòng hoàn thiện và in mẫu 04.",
        ),
        "en": (
            "Dossier {{ code }} is overdue: an apology (form 04) is needed",
            "Dossier {{ code }} — {{ applicant_name }} ({{ procedure }}) has been overdue since "
            "{{ due_at|vn_moment }}. A draft apology proposes the new date "
            "{{ new_due_at|vn_moment }}; please complete it and print form 04.",
        ),
    },
    "digest_officer": {
        "vi": (
            "Hồ sơ cần xử lý ngày {{ today|vn_date }}",
            "{% for group in groups %}{{ group.label }}: {{ group.count }}\n"
            "{% for line in group.lines %}- {{ line }}\n{% endfor %}{% endfor %}",
        ),
        "en": (
            "Dossiers to handle on {{ today|vn_date }}",
            "{% for group in groups %}{{ group.label }}: {{ group.count }}\n"
            "{% for line in group.lines %}- {{ line }}\n{% endfor %}{% endfor %}",
        ),
    },
    "digest_leader": {
        "vi": (
            "Hồ sơ quá hạn của đơn vị ngày {{ today|vn_date }}",
            "{% for group in groups %}{{ group.label }}: {{ group.count }}\n"
            "{% for line in group.lines %}- {{ line }}\n{% endfor %}{% endfor %}",
        ),
        "en": (
            "Overdue dossiers of your units on {{ today|vn_date }}",
            "{% for group in groups %}{{ group.label }}: {{ group.count }}\n"
            "{% for line in group.lines %}- {{ line }}\n{% endfor %}{% endfor %}",
        ),
    },
    "delegate_acted": {
        "vi": (
            "{{ delegate }} đã thay ông/bà xử lý hồ sơ {{ code }}",
            "Theo ủy quyền, {{ delegate }} đã thay ông/bà thực hiện “{{ action }}” trên hồ sơ "
            "{{ code }} — {{ applicant_name }} ({{ procedure }}) lúc {{ at|vn_moment }}.",
        ),
        "en": (
            "{{ delegate }} acted on dossier {{ code }} on your behalf",
            "Under your delegation, {{ delegate }} took “{{ action }}” on dossier {{ code }} — "
            "{{ applicant_name }} ({{ procedure }}) at {{ at|vn_moment }}.",
        ),
    },
    "step_unstaffed": {
        "vi": (
            "Hồ sơ {{ code }} không có cán bộ xử lý tại {{ unit }}",
            "Hồ sơ {{ code }} — {{ applicant_name }} ({{ procedure }}) đang ở bước “{{ step }}” "
            "tại {{ unit }}, nhưng không có cán bộ đang hoạt động nào giữ vai trò {{ roles }} "
            "để xử lý. Vui lòng phân công cán bộ cho đơn vị hoặc chuyển hồ sơ.",
        ),
        "en": (
            "Nobody at {{ unit }} can handle dossier {{ code }}",
            "Dossier {{ code }} — {{ applicant_name }} ({{ procedure }}) is at step “{{ step }}” "
            "of {{ unit }}, but no active officer there holds the role {{ roles }}. Please "
            "assign an officer to the unit or transfer the dossier.",
        ),
    },
    "training_reminder": {
        "vi": (
            "{{ count }} hồ sơ tập huấn chưa đóng tại {{ unit }}",
            "Đơn vị {{ unit }} còn {{ count }} hồ sơ tập huấn mở quá {{ days }} ngày:\n"
            "{% for line in lines %}- {{ line }}\n{% endfor %}",
        ),
        "en": (
            "{{ count }} open training dossiers at {{ unit }}",
            "{{ unit }} has {{ count }} training dossiers open for more than {{ days }} days:\n"
            "{% for line in lines %}- {{ line }}\n{% endfor %}",
        ),
    },
}

log = logging.getLogger(__name__)

SHORT_CHANNELS = frozenset({"sms", "zalo"})


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    template_id: int | None


def _render(source: str, context: dict) -> str:
    # Messages are plain text: the sandbox escapes HTML, which a text message must not show.
    return html.unescape(compile_source(source).render(Context(context))).strip()


def template_check(subject: str, body: str) -> str:
    """Return the first syntax problem of a desk copy, with its line, or an empty string."""
    for source in (subject, body):
        try:
            compile_source(source or "")
        except TemplateSyntaxError as exc:
            return str(template_problem(exc))
    return ""


def message_render(*, event: str, channel: str, language: str, context: dict) -> Rendered:
    """Render *event* for *channel* in *language* from the desk copy or the shipped text."""
    from motcua.notifications.models import NotificationTemplate

    row = NotificationTemplate.objects.filter(
        event=event, channel=channel, language=language
    ).first()
    if row is not None:
        try:
            return Rendered(_render(row.subject, context), _render(row.body, context), row.pk)
        except Exception:  # a broken desk copy must not stop the message: use the shipped text
            log.exception("notification template %s does not render; using the default", row.pk)
    by_language = DEFAULTS[event]
    subject, body = by_language.get(language) or by_language["vi"]
    rendered_subject = _render(subject, context)
    if channel in SHORT_CHANNELS:
        return Rendered(rendered_subject, rendered_subject, None)
    return Rendered(rendered_subject, _render(body, context), None)
