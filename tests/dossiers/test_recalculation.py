"""After a calendar change each dossier whose due moment moved says so in its log, the applicant
is told the new appointment date, and the audit names dossier codes in local time.

Same setting as test_recompute: received Mon 3/3/2025 09:00, 15 working days → Mon 24/3 17:00;
Wed 12/3 declared off on Fri 7/3 → Tue 25/3 17:00.
"""

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from motcua.core.admin import DeadlineChangeDisplay
from motcua.core.models import DeadlineChange
from motcua.core.services import calendar_year_import
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.states import Action, Status
from tests.desk.conftest import receive
from tests.dossiers.conftest import at
from tests.dossiers.test_recompute import DAY_OFF


@pytest.fixture
def received(world, applicant, documents):
    return receive(world, applicant, documents, at(2025, 3, 3, 9, 0))


@pytest.mark.django_db
def test_a_moved_deadline_is_logged_and_the_applicant_told(
    world, received, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(at(2025, 3, 7, 10, 0), tick=False),
    ):
        calendar_year_import(DAY_OFF, actor=world.users.admin)
    event = DossierEvent.objects.get(dossier=received, action=Action.RECALCULATE)
    assert (event.from_status, event.to_status) == (Status.IN_PROGRESS, Status.IN_PROGRESS)
    assert event.note == "24/03/2025 17:00 → 25/03/2025 17:00"
    assert event.data["new_due"] == "2025-03-25T17:00:00+07:00"
    # (the receipt of the reception is the other message about this dossier)
    [message] = [m for m in mail.outbox if received.code in m.subject and "mới" in m.subject]
    assert "25/03/2025 17:00" in message.body and message.to == ["binh@example.vn"]

    # A second run moves nothing and logs nothing more.
    with time_machine.travel(at(2025, 3, 7, 11, 0), tick=False):
        calendar_year_import(DAY_OFF)
    assert DossierEvent.objects.filter(action=Action.RECALCULATE).count() == 1


@pytest.mark.django_db
def test_the_audit_names_codes_and_local_times(world, received, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(at(2025, 3, 7, 10, 0), tick=False),
    ):
        calendar_year_import(DAY_OFF, actor=world.users.admin)
    display = DeadlineChangeDisplay()
    dossier_change = DeadlineChange.objects.get(source="dossiers.dossier")
    assert display.item(dossier_change) == received.code
    assert display.old_local(dossier_change) == "24/03/2025 17:00"
    assert display.new_local(dossier_change) == "25/03/2025 17:00"
    step_change = DeadlineChange.objects.get(source="dossiers.step")
    assert display.item(step_change) == f"{received.code} — 1. Thẩm định hồ sơ"


@pytest.mark.django_db
def test_a_holiday_added_in_the_desk_shows_on_the_dossier_the_mail_and_the_audit_page(
    world, received, django_capture_on_commit_callbacks
):
    """Issue 12, item 6, as the administrator did it: a day off typed in the desk's calendar
    (day first) moves the deadline; the dossier's log, the applicant's mail and the audit page
    say so with the dossier's code and local times (never "dossiers.dossier 7", never UTC)."""
    mail.outbox.clear()
    desk = Client()
    desk.force_login(get_user_model().objects.create_superuser("quantri.lich", "q@vn.vn", "x"))
    desk.cookies["django_language"] = "vi"
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(at(2025, 3, 7, 10, 0), tick=False),
    ):
        response = desk.post(
            "/admin/core/holiday/add/",
            {
                "start_date": "12/03/2025",
                "end_date": "",
                "name": "Nghỉ theo quyết định của tỉnh",
                "decision": "QĐ 1",
                "year": "",
            },
        )
    assert response.status_code == 302
    page = desk.get(f"/desk/dossiers/{received.pk}/").content.decode()
    assert "24/03/2025 17:00 → 25/03/2025 17:00" in page
    [message] = [m for m in mail.outbox if received.code in m.subject and "mới" in m.subject]
    assert "25/03/2025 17:00" in message.body
    audit = desk.get("/admin/core/deadlinechange/").content.decode()
    assert received.code in audit and "25/03/2025 17:00" in audit and "24/03/2025 17:00" in audit
    shown = re.sub(r"<[^>]+>", " ", audit)  # the text a person reads (links keep their codes)
    assert "dossiers.dossier" not in shown and "+00:00" not in shown
    assert "Hạn trả kết quả của hồ sơ" in audit  # the filter names the kind of deadline
