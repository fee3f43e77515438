"""Public pages at provincial scale: the cached catalogue and procedure pages (anonymous only, no
visitor's token stored, stale on every change), and the number of queries of the status page and
the lookup (pinned: a new query there is paid on every citizen's visit)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.portal import pagecache
from motcua.procedures.models import Fee
from motcua.procedures.services import procedure_publish

pytestmark = pytest.mark.django_db


def _page(portal) -> str:
    return f"/thu-tuc/{portal.procedure.national_code}/"


def _anonymous() -> Client:
    return Client(enforce_csrf_checks=True)


def _queries(client, path, **extra) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **extra)
    return len(captured), response


def _token(response) -> str:
    import re

    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)[1].decode()


def test_an_anonymous_page_is_served_from_the_cache_with_the_visitors_own_token(portal):
    first = _anonymous()
    miss, response = _queries(first, _page(portal))
    assert response.status_code == 200 and portal.procedure.name in response.content.decode()
    hit, again = _queries(_anonymous(), _page(portal))
    assert hit == 1 < miss  # the catalogue's revision (process-local cache: from the database)
    assert again.content.replace(_token(again).encode(), b"") == response.content.replace(
        _token(response).encode(), b""
    )
    assert _token(again) != _token(response)
    stored = list(cache._cache.values())  # pickled entries of the local-memory cache
    assert any(pagecache.PLACEHOLDER.encode() in v for v in stored)
    assert not any(_token(response).encode() in v for v in stored)
    # the token served from the cache is the visitor's: the language switch (a POST) accepts it
    switched = first.post(
        "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": _token(again)}
    )
    assert switched.status_code == 403  # another visitor's token is refused…
    visitor = _anonymous()
    page = visitor.get(_page(portal))
    switched = visitor.post(
        "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": _token(page)}
    )
    assert switched.status_code == 302  # …the visitor's own is accepted


def test_the_page_changes_after_an_edit_and_a_publication(portal):
    client = _anonymous()
    assert "Lệ phí thẩm định" not in client.get(_page(portal)).content.decode()
    Fee.objects.create(procedure=portal.procedure, name="Lệ phí thẩm định", amount=50000)
    procedure_publish(procedure=portal.procedure)
    assert "Lệ phí thẩm định" in client.get(_page(portal)).content.decode()
    portal.procedure.name = "Thủ tục đã đổi tên"
    portal.procedure.save()
    assert "Thủ tục đã đổi tên" in client.get("/thu-tuc/").content.decode()
    portal.procedure.units.add(portal.units.d)
    assert portal.units.d.name in client.get(_page(portal)).content.decode()
    portal.units.d.name = "Bộ phận một cửa đã đổi tên"
    portal.units.d.save()
    assert "Bộ phận một cửa đã đổi tên" in client.get(_page(portal)).content.decode()


def test_a_version_published_for_later_shows_when_it_takes_effect(portal):
    client = _anonymous()
    later = timezone.now() + timedelta(hours=2)
    Fee.objects.create(procedure=portal.procedure, name="Phí từ tháng sau", amount=10000)
    procedure_publish(procedure=portal.procedure, effective_at=later)
    assert "Phí từ tháng sau" not in client.get(_page(portal)).content.decode()
    with time_machine.travel(later + timedelta(minutes=1)):
        assert "Phí từ tháng sau" in client.get(_page(portal)).content.decode()


def test_logged_in_visitors_and_sessions_get_their_own_page(portal, login):
    anonymous = _anonymous()
    anonymous.get(_page(portal))  # cached
    citizen = login(portal.citizen)
    count, page = _queries(citizen, _page(portal))
    assert count > 1 and "Đăng xuất" in page.content.decode()  # rendered for them
    assert "Đăng xuất" not in anonymous.get(_page(portal)).content.decode()
    # nothing a logged-in visit rendered was stored for the others
    cache.clear()
    login(portal.citizen).get(_page(portal))
    count, page = _queries(_anonymous(), _page(portal))
    assert count > 1 and "Đăng xuất" not in page.content.decode()


def test_searches_and_unknown_procedures_are_not_cached(portal):
    client = _anonymous()
    client.get("/thu-tuc/", {"q": "xay dung"})
    assert _queries(client, "/thu-tuc/", data={"q": "xay dung"})[0] > 1
    assert client.get("/thu-tuc/9.999999/").status_code == 404
    assert _queries(client, "/thu-tuc/9.999999/")[0] > 1
    client.get("/thu-tuc/", {"trang": "1"})
    assert _queries(client, "/thu-tuc/", data={"trang": "1"})[0] == 1


def test_the_shared_cache_holds_the_revision_set_after_commit(portal, monkeypatch):
    monkeypatch.setattr(pagecache, "_shared_cache", lambda: True)
    client = _anonymous()
    client.get(_page(portal))
    assert _queries(client, _page(portal))[0] == 0  # revision and page from the cache
    before = cache.get(pagecache.REVISION_KEY)
    with pytest.MonkeyPatch.context() as m:
        m.setattr("django.db.transaction.on_commit", lambda f, using=None, robust=False: f())
        portal.procedure.save()
    assert cache.get(pagecache.REVISION_KEY) not in (None, before)


# --------------------------------------------------------------------------- status and lookup


_TRANSACTION = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")


def test_the_lookup_and_the_status_page_read_the_fewest_rows(counter_dossier):
    client = _anonymous()
    form = client.get("/tra-cuu/")
    data = {
        "code": counter_dossier.code,
        "proof": counter_dossier.applicant_phone,
        "csrfmiddlewaretoken": _token(form),
    }
    with CaptureQueriesContext(connection) as lookup:
        response = client.post("/tra-cuu/", data)
    assert response.status_code == 302
    # the dossier by code (its identifiers only), then the new session: one insert, no key check
    statements = [q["sql"] for q in lookup if not q["sql"].startswith(_TRANSACTION)]
    assert [sql.split()[0] for sql in statements] == ["SELECT", "INSERT"]
    assert "search_text" not in statements[0] and "form_data" not in statements[0]
    with CaptureQueriesContext(connection) as status:
        page = client.get(response["Location"])
    assert page.status_code == 200 and counter_dossier.code in page.content.decode()
    # the session, the dossier with its procedure and units, its events (timeline and
    # situation), its documents, its latest payment (it has fees); not finished: no rating
    assert _tables(status) == [
        "django_session",
        "dossiers_dossier",
        "dossiers_dossierevent",
        "dossiers_dossierdocument",
        "integrations_payment",
    ]


def _tables(captured) -> list[str]:
    import re

    return [re.search(r'FROM [`"](\w+)[`"]', q["sql"])[1] for q in captured]


def _looked_up(dossier) -> Client:
    client = _anonymous()
    data = {"code": dossier.code, "proof": dossier.applicant_phone}
    data["csrfmiddlewaretoken"] = _token(client.get("/tra-cuu/"))
    assert client.post("/tra-cuu/", data).status_code == 302
    return client


def test_a_paid_dossiers_status_page_reads_no_payment(counter_dossier):
    client = _looked_up(counter_dossier)
    Dossier.objects.filter(pk=counter_dossier.pk).update(is_paid=True)
    with CaptureQueriesContext(connection) as status:
        page = client.get(f"/tra-cuu/{counter_dossier.code}/").content.decode()
    assert "Đã nộp — tại bộ phận một cửa" in page and "/bat-dau/" not in page
    assert _tables(status) == [
        "django_session",
        "dossiers_dossier",
        "dossiers_dossierevent",
        "dossiers_dossierdocument",
    ]


def test_the_payment_block_is_rendered_in_the_pages_context(counter_dossier):
    # the lookup visitor of an unpaid dossier may pay: the form posts with their own token
    client = _looked_up(counter_dossier)
    page = client.get(f"/tra-cuu/{counter_dossier.code}/")
    html = page.content.decode()
    assert f'action="/thanh-toan/{counter_dossier.code}/bat-dau/"' in html
    assert f'name="next" value="/tra-cuu/{counter_dossier.code}/"' in html
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) == 2 and len(set(tokens)) == 1  # the language switch's and the pay form's
    assert f'id="payment-heading-{counter_dossier.pk}"' in html


# --------------------------------------------------------------------------- the security headers

_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


def test_every_public_page_carries_the_site_policy_and_headers(counter_dossier, portal):
    from csp.utils import build_policy

    site_policy = build_policy()  # django-csp's own construction from the settings
    assert _directives(site_policy)["frame-ancestors"] == "'self'"
    assert _directives(site_policy)["object-src"] == "'none'"
    client = _anonymous()
    responses = {
        "catalogue (miss)": client.get("/thu-tuc/"),
        "catalogue (cached)": _anonymous().get("/thu-tuc/"),
        "procedure (miss)": client.get(_page(portal)),
        "procedure (cached)": _anonymous().get(_page(portal)),
        "lookup form": client.get("/tra-cuu/"),
    }
    looked_up = _looked_up(counter_dossier)
    responses["lookup POST"] = looked_up.post(
        "/tra-cuu/",
        {
            "code": counter_dossier.code,
            "proof": counter_dossier.applicant_phone,
            "csrfmiddlewaretoken": _token(looked_up.get("/tra-cuu/")),
        },
    )
    responses["status page"] = looked_up.get(f"/tra-cuu/{counter_dossier.code}/")
    responses["unknown status page"] = client.get("/tra-cuu/000.00.31.H27-250303-9999/")
    responses["not found"] = client.get("/khong-co-trang-nay/")
    for name, response in responses.items():
        assert response.status_code in (200, 302, 404), name
        assert response["Content-Security-Policy"] == site_policy, name
        assert "Content-Security-Policy-Report-Only" not in response, name
        for header, value in _HEADERS.items():
            assert response[header] == value, (name, header)


def test_a_changed_policy_setting_is_served_at_once(portal, settings):
    client = _anonymous()
    before = client.get("/thu-tuc/")["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    cache.clear()
    after = client.get("/thu-tuc/")
    assert _directives(before)["img-src"] == "'self' data: blob:"
    assert _directives(after["Content-Security-Policy"])["img-src"] == "'self'"
    assert after["Content-Security-Policy-Report-Only"] == "default-src 'none'"
