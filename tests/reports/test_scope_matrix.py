"""Scope matrix over every report path: an officer of unit A never sees a dossier of unit B.

Hồng Bàng's leader (A) and Lê Chân's specialist (B) open each path; the dossier codes of the other
unit must be absent from what they get. Citizens and anonymous visitors get nothing.
"""

import io

import pytest
import time_machine
from openpyxl import load_workbook

from tests.reports.conftest import NOW

pytestmark = pytest.mark.django_db

MARCH = "date_from=2025-03-01&date_to=2025-03-31"
LIST = "run=1&columns=code&columns=unit.name"
PATHS = {
    "dashboard": f"/desk/reports/?{MARCH}",
    "drilldown": f"/desk/reports/dossiers/?{MARCH}&key=handled",
    "builder": f"/desk/reports/builder/?{LIST}",
    "builder-grouped": "/desk/reports/builder/?run=1&group_1=unit.name&group_2=status",
    "csv": f"/desk/reports/builder/export/csv/?{LIST}",
    "xlsx": f"/desk/reports/builder/export/xlsx/?{LIST}",
    "pdf": f"/desk/reports/builder/export/pdf/?{LIST}",
}


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return " ".join(str(c) for row in book.active.values for c in row)
    if response.get("Content-Type") == "application/pdf":
        from pypdf import PdfReader

        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.mark.parametrize("path", PATHS)
def test_each_path_shows_only_the_viewers_units(world, march, login, path):
    hong_bang = [march.on_time.code, march.paused.code, march.overdue.code]
    le_chan = [march.lechan.code]
    for user, mine, theirs, their_unit in (
        (world.users.leader, hong_bang, le_chan, "Lê Chân"),
        (world.users.other_spec, le_chan, hong_bang, "Hồng Bàng"),
    ):
        with time_machine.travel(NOW, tick=False):
            response = login(user).get(PATHS[path])
        assert response.status_code == 200, (path, user)
        text = _text(response)
        for code in theirs:
            assert code not in text, (path, user.username, code)
        assert f"quận {their_unit}" not in text, (path, user.username)
        if path in ("drilldown", "builder", "csv", "xlsx", "pdf"):
            assert all(code in text for code in mine), (path, user.username)


@pytest.mark.parametrize("path", PATHS)
def test_citizens_and_anonymous_visitors_get_nothing(world, march, login, client, path):
    citizen = login(world.users.citizen).get(PATHS[path])
    assert citizen.status_code == 403
    anonymous = client.get(PATHS[path])
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_ledger_xlsx_is_scoped_and_refuses_another_unit(world, march, login):
    client = login(world.users.other_spec)
    with time_machine.travel(NOW, tick=False):
        mine = client.get(
            f"/desk/reports/ledger.xlsx?unit={world.units.d2.pk}&from=2025-03-01&to=2025-03-31"
        )
        other = client.get(
            f"/desk/reports/ledger.xlsx?unit={world.units.d.pk}&from=2025-03-01&to=2025-03-31"
        )
    assert mine.status_code == 200 and other.status_code == 404
    rows = list(load_workbook(io.BytesIO(b"".join(mine.streaming_content))).active.values)
    assert rows[1][:3] == ("STT", "Mã hồ sơ", "Tên thủ tục hành chính")
    assert [r[1] for r in rows[2:]] == [march.lechan.code]
