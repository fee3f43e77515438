"""Search by code, applicant name (accents ignored), ID number or phone, within the scope."""

import pytest

from tests.builders import at
from tests.desk.conftest import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world, applicant, documents):
    binh = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    other = receive(
        world,
        {
            **applicant,
            "applicant_name": "Trần Văn Đức",
            "applicant_phone": "0987000111",
            "applicant_id_number": "031190009999",
        },
        documents,
        at(2025, 3, 3, 9, 30),
    )
    return binh, other


@pytest.mark.parametrize(
    "query", ["nguyen thi binh", "NGUYỄN Thị", "0912345678", "031190001234", "250303-0001"]
)
def test_an_officer_finds_a_dossier(world, two, login, query):
    response = login(world.users.spec1).get("/desk/search/", {"q": query})
    assert response.status_code == 200
    assert [d.code for d in response.context["results"]] == [two[0].code]
    assert two[0].code in response.content.decode()


def test_duc_finds_duc_with_the_stroke(world, two, login):
    response = login(world.users.reception).get("/desk/search/", {"q": "tran van duc"})
    assert [d.code for d in response.context["results"]] == [two[1].code]


def test_search_stays_within_the_scope(world, two, login):
    response = login(world.users.other_spec).get("/desk/search/", {"q": "nguyen thi binh"})
    assert response.status_code == 200
    assert response.context["results"] == []
    assert "Không tìm thấy hồ sơ nào trong phạm vi của bạn." in response.content.decode()


def test_the_empty_search_shows_only_the_form(world, login):
    response = login(world.users.spec1).get("/desk/search/")
    assert response.status_code == 200
    assert response.context["results"] is None
    assert 'role="search"' in response.content.decode()
