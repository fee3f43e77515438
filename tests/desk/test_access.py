"""Who reaches the desk: staff only; anonymous visitors log in first, citizens are refused."""

import pytest

from motcua.desk.menu import DESK_MENU

pytestmark = pytest.mark.django_db

DESK_URLS = ["/desk/", "/desk/intake/", "/desk/receive/", "/desk/search/?q=abc"]


@pytest.mark.parametrize("url", DESK_URLS)
def test_anonymous_visitors_are_sent_to_the_admin_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/?next=/desk/")


@pytest.mark.parametrize("url", DESK_URLS)
def test_citizens_are_refused(world, login, url):
    assert login(world.users.citizen).get(url).status_code == 403


def test_a_dossier_page_is_refused_to_citizens_and_anonymous(world, received, login, client):
    url = f"/desk/dossiers/{received.pk}/"
    assert login(world.users.citizen).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_the_desk_has_the_admin_layout_and_sidebar(world, login):
    response = login(world.users.spec1).get("/desk/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="nav-sidebar"' in html
    assert "unfold/css/styles.css" in html
    assert "<h1" in html and "Hồ sơ cần xử lý" in html


def test_the_menu_items_point_at_desk_pages(world, login):
    client = login(world.users.reception)
    for item in DESK_MENU:
        assert client.get(str(item["link"])).status_code == 200, item["title"]
