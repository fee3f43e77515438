"""Issue 16, 4: the citizen's status page states the current situation for every state.

Paused: since when, why, what to do; ended: how and when; no appointment date once it is no longer
a promise; only what the lifecycle allows is offered (supplement, withdraw, delivery choice).
"""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from tests.flows.conftest import act, receive, to_result

pytestmark = pytest.mark.django_db

APPOINTMENT = "Ngày hẹn trả kết quả"
OFFERS = ("Gửi bổ sung", "Tôi muốn rút hồ sơ", "Lưu hình thức nhận kết quả")


def _page(client, world, d) -> str:
    d.applicant_user = world.users.citizen
    d.save(update_fields=["applicant_user"])
    client.force_login(world.users.citizen)
    return " ".join(client.get(f"/tra-cuu/{d.code}/").content.decode().split())


def _step(world, d):
    return d.current_step.assignee


def test_in_progress_states_the_unit_and_the_appointment(world, applicant, documents, client):
    page = _page(client, world, receive(world, applicant, documents))
    assert "Cơ quan đang giải quyết: Ủy ban nhân dân quận Hồng Bàng." in page
    assert f"{APPOINTMENT}: <strong>24/03/2025 17:00</strong>" in page
    assert "Tôi muốn rút hồ sơ" in page


def test_suspended_says_since_when_why_and_keeps_no_firm_date(world, applicant, documents, client):
    d = receive(world, applicant, documents)
    d = act(
        (2025, 3, 5, 10, 0),
        services.dossier_suspend,
        dossier=d,
        user=world.users.spec1,
        reason="Chờ kết quả đo đạc của Văn phòng đăng ký đất đai",
    )
    page = _page(client, world, d)
    assert "Tạm dừng từ 05/03/2025 10:00." in page
    assert "Lý do: Chờ kết quả đo đạc của Văn phòng đăng ký đất đai" in page
    assert "cơ quan sẽ báo khi tiếp tục giải quyết" in page
    assert f"{APPOINTMENT}:" not in page


def test_supplement_requested_says_since_when_and_what_to_do(world, applicant, documents, client):
    d = receive(world, applicant, documents)
    d = act(
        (2025, 3, 5, 10, 0),
        services.dossier_request_supplement,
        dossier=d,
        user=world.users.spec1,
        items=["Bản vẽ có chữ ký"],
    )
    page = _page(client, world, d)
    assert "Cần bổ sung từ 05/03/2025 10:00." in page
    assert "Ông/bà cần gửi bổ sung" in page
    assert "Gửi bổ sung" in page
    assert f"{APPOINTMENT}:" not in page


@pytest.mark.parametrize(
    ("ending", "said"),
    [
        ("withdraw", "Hồ sơ đã được rút lúc 05/03/2025 10:00."),
        ("refuse", "Hồ sơ bị từ chối giải quyết lúc 05/03/2025 10:00."),
        ("stop", "Dừng giải quyết từ 05/03/2025 10:00."),
    ],
)
def test_an_ended_dossier_says_how_and_when_and_offers_nothing(
    world, applicant, documents, client, ending, said
):
    d = receive(world, applicant, documents)
    service, user = {
        "withdraw": (services.dossier_withdraw, world.users.reception),
        "refuse": (services.dossier_refuse, world.users.spec1),
        "stop": (services.dossier_stop, world.users.spec1),
    }[ending]
    d = act((2025, 3, 5, 10, 0), service, dossier=d, user=user, reason="Lý do của hồ sơ")
    page = _page(client, world, d)
    assert said in page
    assert "Lý do" in page
    assert f"{APPOINTMENT}:" not in page
    assert "Hồ sơ đã kết thúc." in page
    for offer in OFFERS:
        assert offer not in page


def test_a_returned_dossier_says_when_and_offers_nothing(world, applicant, documents, client):
    d = to_result(world, receive(world, applicant, documents))
    d = act(
        (2025, 3, 11, 9, 0),
        services.dossier_return_result,
        dossier=d,
        user=world.users.reception,
        delivery="counter",
    )
    page = _page(client, world, d)
    assert "Đã trả kết quả lúc 11/03/2025 09:00 — Nhận tại bộ phận một cửa." in page
    assert f"{APPOINTMENT}:" not in page
    for offer in OFFERS:
        assert offer not in page
