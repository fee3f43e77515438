"""The REST API: dossiers in the reader's scope, the public catalogue and units, the schema.

The scope itself is the desk's (the leak matrix has the API's rows); these tests check what the
API adds: token authentication, the query parameters and their refusals, cursor pages, what a
citizen sees of their own dossier, and a schema that describes every path.
"""

from __future__ import annotations

import pytest
import time_machine
import yaml
from django.test import Client
from rest_framework.authtoken.models import Token

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from tests.builders import at

pytestmark = pytest.mark.django_db


def _receive(world, applicant, documents, when, unit=None):
    with time_machine.travel(when, tick=False):
        return services.dossier_receive(
            user=world.users.reception,
            procedure=world.procedure,
            unit=unit or world.units.d,
            applicant=applicant,
            documents=documents,
        )


def _token_client(user) -> Client:
    token = Token.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="vi")


@pytest.fixture
def three(world, applicant, documents):
    """Three dossiers of Hồng Bàng received on 3, 4 and 5 March 2025."""
    return [_receive(world, applicant, documents, at(2025, 3, day, 9, 0)) for day in (3, 4, 5)]


def test_anonymous_gets_401_and_no_dossier(three):
    response = Client().get("/api/v1/dossiers/")
    assert response.status_code in (401, 403)
    assert three[0].code not in response.content.decode()


def test_a_token_reads_what_its_holder_reads_newest_first(world, three):
    # given an integration token of Hồng Bàng's specialist
    client = _token_client(world.users.spec1)
    # when the list is read
    body = client.get("/api/v1/dossiers/").json()
    # then the three dossiers come newest first, with their state against the deadline
    assert [row["code"] for row in body["results"]] == [d.code for d in reversed(three)]
    first = body["results"][0]
    assert first["receiving_unit"]["code"] == "000.00.31.H27"
    assert first["status"] == "in_progress"
    assert first["due_state"] in {"in_time", "due_soon", "overdue"}
    assert first["url"].endswith(f"/api/v1/dossiers/{three[2].code}/")


def test_a_token_of_another_unit_reads_nothing_and_gets_404_on_a_code(world, three):
    client = _token_client(world.users.other_spec)
    assert client.get("/api/v1/dossiers/").json()["results"] == []
    assert client.get(f"/api/v1/dossiers/{three[0].code}/").status_code == 404


def test_a_revoked_token_is_refused(world, three):
    client = _token_client(world.users.spec1)
    Token.objects.filter(user=world.users.spec1).delete()
    assert client.get("/api/v1/dossiers/").status_code == 401


def test_cursor_pages_walk_every_dossier_once(world, three):
    client = _token_client(world.users.spec1)
    seen, url = [], "/api/v1/dossiers/?page_size=2"
    while url:
        body = client.get(url).json()
        assert "count" not in body  # no COUNT over a province's dossiers
        seen += [row["code"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(d.code for d in three)
    assert len(seen) == len(set(seen))


def test_received_dates_are_local_days_typed_the_vietnamese_way(world, three):
    client = _token_client(world.users.spec1)
    body = client.get(
        "/api/v1/dossiers/", {"received_from": "04/03/2025", "received_to": "2025-03-04"}
    ).json()
    assert [row["code"] for row in body["results"]] == [three[1].code]


def test_filters_by_status_procedure_unit_and_words(world, three, applicant):
    client = _token_client(world.users.leader)
    Dossier.objects.filter(pk=three[0].pk).update(status="returned")
    by_status = client.get("/api/v1/dossiers/", {"status": "returned"}).json()["results"]
    assert [r["code"] for r in by_status] == [three[0].code]
    by_procedure = client.get("/api/v1/dossiers/", {"procedure": "1.009994"}).json()["results"]
    assert len(by_procedure) == 3
    assert client.get("/api/v1/dossiers/", {"procedure": "9.999"}).json()["results"] == []
    by_unit = client.get("/api/v1/dossiers/", {"unit": "000.00.31.h27"}).json()["results"]
    assert len(by_unit) == 3
    by_code = client.get("/api/v1/dossiers/", {"q": three[1].code}).json()["results"]
    assert [r["code"] for r in by_code] == [three[1].code]
    by_name = client.get("/api/v1/dossiers/", {"q": applicant["applicant_name"]}).json()["results"]
    assert len(by_name) == 3


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"received_from": "12/31/2025"}, "received_from", "Nhập ngày theo dạng ngày/tháng/năm"),
        ({"status": "flying"}, "status", "không phải là một trong các lựa chọn"),
        ({"stauts": "returned"}, "stauts", "Tham số không được hỗ trợ."),
        (
            {"received_from": "05/03/2025", "received_to": "04/03/2025"},
            "non_field_errors",
            "Ngày bắt đầu phải trước",
        ),
    ],
)
def test_bad_parameters_are_refused_in_vietnamese(world, three, params, field, message):
    client = _token_client(world.users.spec1)
    response = client.get("/api/v1/dossiers/", params)
    assert response.status_code == 400
    errors = response.json()
    key = "__all__" if field == "non_field_errors" and "__all__" in errors else field
    assert message in " ".join(errors[key])


def test_staff_detail_has_steps_and_every_event(world, three):
    body = _token_client(world.users.spec1).get(f"/api/v1/dossiers/{three[0].code}/").json()
    assert body["applicant"]["phone"] == three[0].applicant_phone
    assert body["steps"][0]["name"] == "Thẩm định hồ sơ"
    assert body["steps"][0]["unit"]["code"] == "000.00.31.H27"
    actions = [e["action"] for e in body["history"]]
    assert actions[0] == "receive"


def test_the_applicant_sees_the_public_timeline_not_the_internal_record(world, three):
    # given the citizen owns the first dossier and an officer wrote an internal note on it
    Dossier.objects.filter(pk=three[0].pk).update(applicant_user=world.users.citizen)
    dossier = Dossier.objects.get(pk=three[0].pk)
    with time_machine.travel(at(2025, 3, 4, 10, 0), tick=False):
        services.dossier_forward(user=world.users.spec1, dossier=dossier, note="GHI-CHU-NOI-BO")
    client = Client()
    client.force_login(world.users.citizen)
    # when the citizen reads their list and their dossier
    listed = client.get("/api/v1/dossiers/").json()["results"]
    body = client.get(f"/api/v1/dossiers/{three[0].code}/").json()
    # then only their own dossier, with the public timeline and no internal record
    assert [r["code"] for r in listed] == [three[0].code]
    assert body["applicant"] is None and body["steps"] == []
    assert "GHI-CHU-NOI-BO" not in str(body)
    assert body["history"] and {"when", "label", "detail"} <= set(body["history"][0])
    assert client.get(f"/api/v1/dossiers/{three[1].code}/").status_code == 404


def test_the_catalogue_and_units_are_public(world):
    client = Client()
    procedures = client.get("/api/v1/procedures/", {"q": "giay phep xay dung"}).json()
    assert [p["code"] for p in procedures["results"]] == ["1.009994"]
    detail = client.get("/api/v1/procedures/1.009994/").json()
    assert [d["name"] for d in detail["documents"]] == ["Đơn đề nghị", "Bản vẽ"]
    assert detail["version"] >= 1
    assert client.get("/api/v1/procedures/0.000000/").status_code == 404
    units = client.get("/api/v1/units/").json()["results"]
    assert {"code": "000.00.31.H27", "parent": "000.00.00.H27"}.items() <= {
        k: v for u in units if u["code"] == "000.00.31.H27" for k, v in u.items()
    }.items()


def test_the_schema_describes_every_path():
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert set(schema["paths"]) == {
        "/api/v1/dossiers/",
        "/api/v1/dossiers/{code}/",
        "/api/v1/procedures/",
        "/api/v1/procedures/{code}/",
        "/api/v1/units/",
    }
    parameters = {p["name"] for p in schema["paths"]["/api/v1/dossiers/"]["get"]["parameters"]}
    assert {"status", "received_from", "received_to", "q", "cursor"} <= parameters


def test_the_token_page_is_for_site_administrators_and_shows_a_key_once(world, django_user_model):
    site_admin = Client()
    site_admin.force_login(django_user_model.objects.create_superuser("sieuquantri", "", "x"))
    site_admin.cookies["django_language"] = "vi"
    # an officer is refused
    officer = Client()
    officer.force_login(world.users.spec1)
    assert officer.get("/admin/authtoken/tokenproxy/").status_code in (302, 403)
    # the site administrator issues a key: shown once in the message, only its prefix listed
    response = site_admin.post(
        "/admin/authtoken/tokenproxy/add/", {"user": world.users.spec1.pk}, follow=True
    )
    key = Token.objects.get(user=world.users.spec1).key
    assert key in response.content.decode()
    listing = site_admin.get("/admin/authtoken/tokenproxy/").content.decode()
    assert key[:6] in listing and key not in listing
    # revoking is addressed by the holder, and the confirmation names only the prefix
    revoke = f"/admin/authtoken/tokenproxy/{world.users.spec1.pk}/delete/"
    assert revoke in listing
    confirm = site_admin.get(revoke).content.decode()
    assert key[:6] in confirm and key not in confirm
    site_admin.post(revoke, {"post": "yes"})
    assert not Token.objects.filter(user=world.users.spec1).exists()
