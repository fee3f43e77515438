"""The ledger (form 07) as PDF, made by a queued job and kept as the task's file.

WeasyPrint lays a ledger out at about 25 ms per row (a busy unit's day is 150 rows, a month
thousands), far beyond a desk request's budget; the officer reads the book on the HTML page
(:func:`motcua.printing.views.ledger`) and asks for the PDF to print or keep. The request records
a :class:`~motcua.jobs.models.TaskRun` (queued on commit; inline on the embedded default) and
sends the officer to the task's page, which links the file once it is made. The rows are the
ones the officer may see: the job reads them as the task's actor, through the same scoped
selector as the page, and only that person may download the file.
"""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from motcua.core.roles import STAFF_ROLES
from motcua.jobs.models import TaskRun
from motcua.units.selectors import units_in_scope

LEDGER_JOB = "motcua.printing.jobs.ledger_pdf_job"


def ledger_pdf_request(*, user, unit, date_from: date, date_to: date, book: str, sign: bool):
    """Queue the PDF of the ledger of *unit* for the days; return the task."""
    from motcua.jobs.progress import task_request

    label = _("In sổ theo dõi hồ sơ (mẫu 07) — %(unit)s — %(start)s–%(end)s") % {
        "unit": unit.name,
        "start": f"{date_from:%d/%m/%Y}",
        "end": f"{date_to:%d/%m/%Y}",
    }
    if book == "returned":
        label += " — " + _("sổ trả kết quả")
    return task_request(
        func=LEDGER_JOB,
        label=label,
        actor=user,
        params={
            "unit": unit.pk,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "book": book,
            "sign": sign,
        },
        total=1,
    )


def ledger_pdf_job(task_id: int) -> str:
    """The job: render the ledger as the actor, sign it when asked or required, store it on the
    task; return the stored name ("" when the task was not claimable or failed)."""
    from motcua.jobs.progress import task_advance, task_claim, task_finish
    from motcua.printing import services
    from motcua.printing.render import render_form
    from motcua.printing.signing import SigningUnavailable, signing_required

    task = task_claim(task_id)
    if task is None:
        return ""
    params, user = task.params, task.actor
    name = ""
    try:
        if user is None or not user.is_active:
            raise PermissionError(_("Người yêu cầu không còn hoạt động."))
        # The unit is read in the actor's scope again: a role lost since the request ends here.
        unit = units_in_scope(user=user, roles=STAFF_ROLES).filter(pk=params["unit"]).first()
        if unit is None:
            raise PermissionError(_("Đơn vị không còn trong phạm vi của người yêu cầu."))
        rendered = render_form(
            code="07",
            user=user,
            unit=unit,
            date_from=date.fromisoformat(params["from"]),
            date_to=date.fromisoformat(params["to"]),
            book=params.get("book", "received"),
        )
        pdf = rendered.pdf
        if params.get("sign") or signing_required():
            pdf = services.pdf_sign(pdf=pdf)
        task.result_file.save(rendered.filename, ContentFile(pdf), save=False)
        name = task.result_file.name
        TaskRun.objects.filter(pk=task.pk).update(result_file=name)
        task_advance(task, done=1)
    except (SigningUnavailable, PermissionError) as exc:
        task_advance(task, failed=1, error=str(exc))
    except Exception as exc:  # recorded on the task page; the worker log has the traceback
        task_advance(task, failed=1, error=f"{type(exc).__name__}: {exc}")
        task_finish(task)
        raise
    task_finish(task)
    return name
