"""Demo dossiers built through the lifecycle services, and PDF helpers, for the printing tests.

The world (units, officers, the 3-step building-permit procedure) is the dossiers tests' one. All
moments are Hanoi time on the default calendar (Mon–Fri 07:30–11:30, 13:00–17:00).
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from pypdf import PdfReader

from motcua.core.roles import Role
from motcua.dossiers import services
from tests.builders import at
from tests.units.factories import make_membership, make_user

#: "Now" for rendering: after every demo event, so open work is judged against it.
PRINT_MOMENT = (2025, 4, 1, 9, 0)


def pdf_text(pdf: bytes) -> str:
    """Return the PDF's text, NFC-normalised, with every run of whitespace made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def _receive(world, applicant, documents, moment, *, unit=None, user=None):
    with time_machine.travel(at(*moment), tick=False):
        return services.dossier_receive(
            user=user or world.users.reception,
            procedure=world.procedure,
            unit=unit or world.units.d,
            applicant=applicant,
            documents=documents,
        )


def build_full(world, applicant, documents):
    """Receive Mon 3/3/2025 09:00 → supplement → step 2 late → apology → result late → returned.

    Due moments (hand-computed in tests/dossiers/test_end_to_end.py): dossier 24/3 17:00, moved to
    Thu 27/3 10:00 by the 18.5 h supplement pause; step 1 due 18/3 10:00 (after the pause), step 2
    (3 days from Mon 10/3) due Thu 13/3 17:00, step 3 (2 days from Fri 14/3) due Tue 18/3 17:00.
    """
    u = world.users
    d = _receive(world, applicant, documents, (2025, 3, 3, 9, 0))
    with time_machine.travel(at(2025, 3, 5, 10, 0), tick=False):
        d = services.dossier_request_supplement(
            dossier=d,
            user=u.spec1,
            items=["Bản vẽ mặt bằng tầng 2", "Bản sao sổ đỏ"],
            note="Bản vẽ thiếu chữ ký của đơn vị thiết kế",
        )
    with time_machine.travel(at(2025, 3, 7, 14, 0), tick=False):
        d = services.dossier_supplement(dossier=d, user=u.reception)
    with time_machine.travel(at(2025, 3, 10, 9, 0), tick=False):
        d = services.dossier_forward(dossier=d, user=u.spec1, assignee=u.spec2)
    with time_machine.travel(at(2025, 3, 14, 8, 0), tick=False):
        d = services.consultation_answer(dossier=d, user=u.sxd_spec, answer="Đồng ý.")
    with time_machine.travel(at(2025, 3, 14, 9, 0), tick=False):
        d = services.dossier_forward(dossier=d, user=u.spec2, assignee=u.leader)
    with time_machine.travel(at(2025, 3, 26, 15, 0), tick=False):
        d = services.dossier_apologize(
            dossier=d,
            user=u.leader,
            new_due_at=at(2025, 3, 31, 17, 0),
            reason="Phải chờ ý kiến của Sở Xây dựng",
        )
    with time_machine.travel(at(2025, 3, 28, 10, 0), tick=False):
        d = services.dossier_issue_result(
            dossier=d, user=u.leader, result_number="125/GPXD", result_date=date(2025, 3, 28)
        )
    with time_machine.travel(at(2025, 3, 28, 14, 30), tick=False):
        d = services.dossier_return_result(dossier=d, user=u.reception, delivery="counter")
    return d


def build_refused(world, applicant, documents):
    d = _receive(world, applicant, documents, (2025, 3, 4, 8, 15))
    with time_machine.travel(at(2025, 3, 4, 15, 0), tick=False):
        return services.dossier_refuse(
            dossier=d,
            user=d.current_step.assignee,
            reason="Thửa đất nằm trong quy hoạch đường giao thông",
        )


def build_stopped(world, applicant, documents):
    d = _receive(world, applicant, documents, (2025, 3, 4, 10, 30))
    with time_machine.travel(at(2025, 3, 6, 9, 45), tick=False):
        return services.dossier_stop(
            dossier=d, user=d.current_step.assignee, reason="Người nộp đề nghị dừng giải quyết"
        )


@pytest.fixture
def demo(world, applicant, documents):
    """Three dossiers of Hồng Bàng (full, refused, stopped) and one of Lê Chân."""
    full = build_full(world, applicant, documents)
    refused = build_refused(world, applicant, documents)
    stopped = build_stopped(world, applicant, documents)
    le_chan_reception = make_user("motcua.lechan", first_name="Lan", last_name="Đỗ Thị")
    make_membership(le_chan_reception, world.units.d2, Role.RECEPTION_OFFICER)
    other = _receive(
        world,
        {**applicant, "applicant_name": "Phạm Văn Cường"},
        documents,
        (2025, 3, 5, 9, 0),
        unit=world.units.d2,
        user=le_chan_reception,
    )
    return SimpleNamespace(full=full, refused=refused, stopped=stopped, other=other)


@pytest.fixture
def frozen_print():
    with time_machine.travel(at(*PRINT_MOMENT), tick=False):
        yield at(*PRINT_MOMENT)
