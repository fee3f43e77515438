"""The desk is Vietnamese by default whatever the browser says; English when the person chooses."""

import pytest


@pytest.mark.django_db
def test_login_page_is_vietnamese_even_for_an_english_browser(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert "Tên đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_language_switch_gives_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    assert response.status_code == 302

    page = client.get("/admin/login/").content.decode()
    assert "Username" in page
    assert "Tên đăng nhập" not in page


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["django_language"] = "xx"
    assert client.get("/admin/login/")["Content-Language"] == "vi"
