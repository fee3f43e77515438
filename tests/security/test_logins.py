"""Login lock-out (desk and portal), the login audit and the officers' idle timeout."""

import time

import pytest
from django.contrib.auth.models import Group

from motcua.security.middleware import LAST_SEEN_KEY
from motcua.security.models import SecurityEvent, SecurityEventKind
from tests.units.factories import make_membership, make_user

pytestmark = pytest.mark.django_db
DESK_LOGIN = "/admin/login/"
PORTAL_LOGIN = "/tai-khoan/dang-nhap/"


def _desk_login(client, username, password, **extra):
    return client.post(DESK_LOGIN, {"username": username, "password": password}, **extra)


def test_thirty_wrong_passwords_then_the_right_one_fails_on_the_desk(client, admins):
    for _ in range(30):
        _desk_login(client, admins.specialist.username, "sai")
    response = _desk_login(client, admins.specialist.username, "x")
    assert response.status_code == 429
    assert "đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_user_whatever_the_address(client, admins, settings):
    for index in range(settings.AXES_FAILURE_LIMIT):
        _desk_login(client, admins.specialist.username, "sai", REMOTE_ADDR=f"10.1.0.{index}")
    response = _desk_login(client, admins.specialist.username, "x", REMOTE_ADDR="10.2.0.1")
    assert response.status_code == 429


def test_the_lock_is_per_address_whatever_the_user(client, admins, settings):
    for index in range(settings.AXES_FAILURE_LIMIT):
        _desk_login(client, f"khong_ton_tai_{index}", "sai", REMOTE_ADDR="10.3.0.1")
    assert (
        _desk_login(client, admins.leader.username, "x", REMOTE_ADDR="10.3.0.1").status_code == 429
    )
    # another address and user are not affected
    assert (
        _desk_login(client, admins.leader.username, "x", REMOTE_ADDR="10.3.0.2").status_code == 302
    )


def test_the_lock_ends_after_the_cool_off(client, admins, settings):
    import datetime as dt

    import time_machine

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _desk_login(client, admins.specialist.username, "sai")
    assert _desk_login(client, admins.specialist.username, "x").status_code == 429
    later = dt.datetime.now(dt.UTC) + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)
    with time_machine.travel(later):
        assert _desk_login(client, admins.specialist.username, "x").status_code == 302


def test_the_portal_login_is_locked_out_too(client, settings):
    citizen = make_user("nguoidan@example.vn", is_staff=False, email="nguoidan@example.vn")
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        client.post(PORTAL_LOGIN, {"username": citizen.username, "password": "sai"})
    response = client.post(PORTAL_LOGIN, {"username": citizen.username, "password": "x"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logins_failures_logouts_and_password_changes_are_in_the_security_log(client, admins):
    _desk_login(client, admins.specialist.username, "sai")
    _desk_login(client, admins.specialist.username, "x")
    client.post("/admin/logout/")
    admins.specialist.set_password("Mat-khau-moi-2026")
    admins.specialist.save()
    kinds = list(
        SecurityEvent.objects.filter(username=admins.specialist.username)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        SecurityEventKind.LOGIN_FAILED,
        SecurityEventKind.LOGIN,
        SecurityEventKind.LOGOUT,
        SecurityEventKind.PASSWORD_CHANGE,
    ]


def test_membership_and_role_changes_are_in_the_security_log(d1_client, admins, tree):
    d1_client.post(
        "/admin/units/membership/add/",
        {
            "user": admins.specialist.pk,
            "unit": tree.c2.pk,
            "role": Group.objects.get(name="clerk").pk,
            "scope": "",
            "is_active": "on",
        },
    )
    event = SecurityEvent.objects.get(kind=SecurityEventKind.MEMBERSHIP_CHANGE)
    assert event.actor == admins.d1_admin and event.user == admins.specialist
    assert event.data["role"] == "clerk" and event.data["action"] == "add"


def test_the_security_log_is_for_the_site_administrator(client, d1_client, tree):
    assert d1_client.get("/admin/security/securityevent/").status_code == 403
    site_admin = make_user("qt_tinh")
    make_membership(site_admin, tree.p, "administrator")
    client.force_login(site_admin)
    assert client.get("/admin/security/securityevent/").status_code == 200
    event = SecurityEvent.objects.first()
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_an_idle_officer_session_expires(client, admins, settings):
    settings.MOTCUA_STAFF_IDLE_MINUTES = 30
    client.force_login(admins.specialist)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_an_active_officer_session_stays(client, admins, settings):
    settings.MOTCUA_STAFF_IDLE_MINUTES = 30
    client.force_login(admins.specialist)
    client.get("/admin/")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/admin/").status_code == 200


def test_a_password_reset_by_an_administrator_names_who_did_it_to_whom(d1_client, admins):
    """Who set whose password: the unit administrator resets a specialist's in the desk."""
    url = f"/admin/auth/user/{admins.specialist.pk}/password/"
    response = d1_client.post(
        url, {"password1": "Mk-moi-2026!", "password2": "Mk-moi-2026!", "usable_password": "true"}
    )
    assert response.status_code == 302
    admins.specialist.refresh_from_db()
    assert admins.specialist.check_password("Mk-moi-2026!")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_SET_BY_OTHER)
    assert event.user == admins.specialist and event.actor == admins.d1_admin
    assert event.data == {"by": "qt_hongbang", "for": "cv_hoangvanthu"}
    assert event.path == url and event.ip == "127.0.0.1"
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGE).exists()


def test_an_own_password_change_names_its_owner_as_actor(client, admins):
    client.force_login(admins.specialist)
    response = client.post(
        "/admin/password_change/",
        {
            "old_password": "x",
            "new_password1": "Mk-rieng-2026!",
            "new_password2": "Mk-rieng-2026!",
        },
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PASSWORD_CHANGE)
    assert event.user == event.actor == admins.specialist
