"""Monitoring in the desk (administrators only) and the health endpoint of scheduler and workers."""

from django.contrib import messages
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.desk.mixins import desk_required
from motcua.desk.shortcuts import desk_render
from motcua.jobs import monitor
from motcua.notifications.admin import is_administrator


@require_http_methods(["GET", "POST"])
@desk_required
def monitor_view(request):
    if not is_administrator(request.user):
        return HttpResponseForbidden(_("Chỉ quản trị hệ thống được xem các tác vụ nền."))
    if request.method == "POST":
        if monitor.failed_job_retry(
            queue_name=request.POST.get("queue", ""), job_id=request.POST.get("job", "")
        ):
            messages.success(request, _("Đã đưa tác vụ vào hàng đợi chạy lại."))
        else:
            messages.error(request, _("Không tìm thấy tác vụ lỗi này (có thể đã được chạy lại)."))
        return redirect("jobs:monitor")
    from django.conf import settings

    context = {"title": _("Tác vụ nền"), "sweep": monitor.sweep_status()}
    if not settings.MOTCUA_JOBS_INLINE:
        try:
            context["queues"] = monitor.queues_state()
            context["workers"] = monitor.workers_count()
        except Exception as exc:  # Redis down: say so on the page
            context["redis_error"] = str(exc)
    return desk_render(request, "jobs/monitor.html", context)


@require_GET
def health_view(request):
    ok, report = monitor.health()
    return JsonResponse(report, status=200 if ok else 503)


@require_GET
@desk_required
def task_view(request, pk: int):
    """A long task's progress, for the person who asked for it and for administrators."""
    from django.shortcuts import get_object_or_404
    from django.template.response import TemplateResponse

    from motcua.jobs.models import TaskRun
    from motcua.jobs.progress import task_progress

    task = get_object_or_404(TaskRun, pk=pk)
    if task.actor_id != request.user.pk and not is_administrator(request.user):
        return HttpResponseForbidden(_("Tác vụ này không phải của bạn."))
    context = {
        "title": task.label,
        "task": task,
        "progress": task_progress(task),
        "active": task.status in (TaskRun.Status.QUEUED, TaskRun.Status.RUNNING),
    }
    if request.GET.get("fragment"):
        return TemplateResponse(request, "jobs/task_progress.html", context)
    return desk_render(request, "jobs/task.html", context)


@require_GET
@desk_required
def task_file_view(request, pk: int):
    """The file a task produced (the ledger's PDF), for the person who asked for it only: its
    rows were chosen in that person's scope, which an administrator's may not cover."""
    from django.shortcuts import get_object_or_404

    from motcua.core.serving import file_response
    from motcua.jobs.models import TaskRun

    task = get_object_or_404(TaskRun, pk=pk)
    if task.actor_id != request.user.pk:
        return HttpResponseForbidden(_("Tệp này chỉ dành cho người đã yêu cầu."))
    return file_response(task.result_file, content_type="application/pdf")
