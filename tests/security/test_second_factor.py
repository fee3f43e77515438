"""The TOTP second factor, mandatory for the roles a site names."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
OTP_URL = "/security/xac-thuc-hai-buoc/"


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def required(settings):
    settings.MOTCUA_OTP_REQUIRED_ROLES = ["unit_administrator"]


def test_a_role_that_needs_it_sees_nothing_of_the_desk_before_the_code(client, admins, required):
    client.force_login(admins.d1_admin)
    response = client.get("/admin/units/unit/")
    assert response.status_code == 302 and response["Location"].startswith(OTP_URL)
    assert client.get("/desk/").status_code == 302


def test_the_first_visit_sets_up_the_app_and_a_good_code_opens_the_desk(client, admins, required):
    client.force_login(admins.d1_admin)
    page = client.get(OTP_URL, {"next": "/admin/units/unit/"})
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=admins.d1_admin)
    assert not device.confirmed
    # a wrong code is refused in Vietnamese
    wrong = client.post(OTP_URL, {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "Mã xác thực không đúng" in wrong.content.decode()
    # the right one, once the throttle after a failure has passed, confirms the device
    device.refresh_from_db()
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        ok = client.post(OTP_URL, {"token": _code(device), "next": "/admin/units/unit/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/units/unit/"
    assert TOTPDevice.objects.get(user=admins.d1_admin).confirmed
    assert client.get("/admin/units/unit/").status_code == 200


def test_a_role_that_does_not_need_it_goes_straight_in(client, admins, required):
    client.force_login(admins.specialist)
    assert client.get("/admin/").status_code == 200


def test_an_outside_next_is_not_followed(client, admins, required):
    client.force_login(admins.d1_admin)
    client.get(OTP_URL)
    device = TOTPDevice.objects.get(user=admins.d1_admin)
    response = client.post(OTP_URL, {"token": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"
