"""Print preview isolation, the job dashboard, CSP/HSTS and ``check --deploy`` under production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from motcua.printing.models import PrintTemplate
from tests.units.factories import make_membership, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PREVIEW_URL = "/admin/printing/printtemplate/preview/"
SCRIPT = '<script>document.title = "pwned"</script>'


def test_an_html_preview_is_a_sandbox_without_scripts(d1_client, tree):
    # given: a unit administrator's draft with a script in it
    response = d1_client.post(
        PREVIEW_URL + "?format=html",
        {"form_code": "01", "body": f"{SCRIPT}<p>Giấy tiếp nhận</p>", "unit": tree.c1.pk},
    )
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    # then: an opaque origin (no allow-same-origin), no scripts, nothing loaded from elsewhere
    assert policy.startswith("sandbox;")
    assert "allow-scripts" not in policy and "allow-same-origin" not in policy
    assert "default-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_saved_template_preview_opened_by_the_superuser_is_sandboxed(
    admin_client_vi, tree, admins
):
    saved = PrintTemplate.objects.create(
        form_code="01", unit=tree.c1, title="Mẫu", body=f"{SCRIPT}<p>x</p>"
    )
    response = admin_client_vi.get(
        f"/admin/printing/printtemplate/{saved.pk}/preview/", {"format": "html"}
    )
    assert response["Content-Security-Policy"].startswith("sandbox;")
    pdf = admin_client_vi.get(f"/admin/printing/printtemplate/{saved.pk}/preview/")
    assert pdf["Content-Type"] == "application/pdf"


def test_the_job_dashboard_is_for_site_administrators_only(client, admins, tree):
    # an officer with desk access (is_staff) of any unit, even a unit administrator
    for user in (admins.specialist, admins.d1_admin, admins.leader):
        client.force_login(user)
        assert client.get("/django-rq/").status_code == 403
        assert client.get("/admin/django_rq/dashboard/").status_code == 403
    site_admin = make_user("qt_he_thong")
    make_membership(site_admin, tree.p, "administrator")
    client.force_login(site_admin)
    assert client.get("/django-rq/").status_code == 200
    assert client.get("/admin/django_rq/dashboard/").status_code == 200
    client.logout()
    assert client.get("/django-rq/").status_code == 302  # to the login page


@pytest.mark.parametrize("url", ["/", "/admin/login/", "/tra-cuu/"])
def test_pages_carry_a_content_security_policy(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy


def _prod_env(**extra):
    # make test allows async-unsafe calls for the browser tests; a deployment never does
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        MOTCUA_SECRET_KEY="x" * 60 + "-production-only-secret-for-the-check",
        MOTCUA_DATABASE_URL="",
        **extra,
    )
    return env


def _site(tmp_path, payments: str) -> Path:
    site = tmp_path / "prod"
    site.mkdir()
    (site / "site_config.toml").write_text(
        'site_name = "Cổng"\nagency_name = "UBND"\nallowed_hosts = ["dichvucong.example.vn"]\n'
        + payments,
        encoding="utf-8",
    )
    return tmp_path


def _check(tmp_path, payments: str):
    sites = _site(tmp_path, payments)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_prod_env(MOTCUA_SITES_DIR=str(sites), MOTCUA_SITE="prod"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = _check(tmp_path, '[payments]\nprovider = "vnpay"\ntmn_code = "DEMO0001"\n')
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_payment_sandbox(tmp_path):
    result = _check(tmp_path, '[payments]\nprovider = "sandbox"\n')
    assert result.returncode != 0
    assert "motcua.security.E001" in result.stderr + result.stdout


def test_the_sandbox_exists_only_where_the_site_config_names_it(settings):
    from motcua.integrations.payments.base import ProviderNotConfigured, payment_provider

    settings.SITE = settings.SITE.__class__(
        **{
            **settings.SITE.__dict__,
            "extra": {k: v for k, v in settings.SITE.extra.items() if k != "payments"},
        }
    )
    with pytest.raises(ProviderNotConfigured):
        payment_provider()  # nothing configured: no provider at all, never the sandbox
    settings.SITE = settings.SITE.__class__(
        **{**settings.SITE.__dict__, "extra": {"payments": {"provider": "sandbox"}}}
    )
    assert payment_provider().name == "sandbox"
    settings.MOTCUA_PAYMENT_SANDBOX_ALLOWED = False  # production settings
    with pytest.raises(ProviderNotConfigured):
        payment_provider()


def test_production_sends_hsts_and_redirects_to_https_behind_the_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = Client().get("/tra-cuu/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = Client().get("/tra-cuu/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_unit_administrator_group_cannot_see_the_role_page(d1_client):
    assert d1_client.get("/admin/security/securityevent/role-permissions/").status_code == 403
    assert Group.objects.filter(name="unit_administrator").exists()


def test_the_payment_gateway_is_a_permitted_form_target():
    from config.settings.base import _origins_of

    config = {
        "provider": "vnpay",
        "payment_url": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        "other": {"payment_url": "https://pay.example.vn/x"},
    }
    assert _origins_of(config) == ["https://pay.example.vn", "https://sandbox.vnpayment.vn"]
