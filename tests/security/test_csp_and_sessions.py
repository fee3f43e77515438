"""The CSP header built once (motcua.security.csp) is django-csp's header in every case, and a
database session is created with one INSERT (motcua.security.sessions) and still never reuses a key."""

from __future__ import annotations

import pytest
from csp.constants import NONCE
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.contrib.sessions.backends.base import CreateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse, HttpResponseNotFound
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from motcua.security.csp import CSPMiddleware
from motcua.security.sessions import SessionStore


def _both(path: str = "/thu-tuc/", prepare=None, status: int = 200):
    """The headers django-csp's middleware and ours set on the same request and response."""
    out = []
    for middleware in (DjangoCSPMiddleware, CSPMiddleware):
        request = RequestFactory().get(path)
        response = HttpResponse(status=status)
        instance = middleware(lambda r, resp=response: resp)
        instance.process_request(request)
        if prepare is not None:
            prepare(request, response)
        instance.process_response(request, response)
        out.append(
            (
                response.get("Content-Security-Policy"),
                response.get("Content-Security-Policy-Report-Only"),
            )
        )
    return out


def _update(request, response):
    response._csp_update = {"img-src": ["https://ban-do.example"]}


def _replace(request, response):
    response._csp_replace = {"script-src": ["'self'"]}


def _exempt(request, response):
    response._csp_exempt = True


def _own_header(request, response):
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"


@pytest.mark.parametrize(
    "prepare",
    [None, _update, _replace, _exempt, _own_header],
    ids=lambda f: getattr(f, "__name__", "plain"),
)
def test_the_header_is_django_csps_header(prepare):
    theirs, ours = _both(prepare=prepare)
    assert ours == theirs
    if prepare is _exempt:
        assert ours == (None, None)
    elif prepare is _own_header:
        assert ours[0] == "sandbox; default-src 'none'"
    else:
        assert "default-src 'self'" in ours[0]
    if prepare is _update:
        assert "https://ban-do.example" in ours[0]


def test_a_nonce_asked_for_goes_into_the_header(settings):
    directives = dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    directives["script-src"] = [*directives["script-src"], NONCE]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda r: HttpResponse())
    middleware.process_request(request)
    nonce = str(request.csp_nonce)
    response = middleware.process_response(request, HttpResponse())
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    # a page without a nonce gets the policy without one
    plain = RequestFactory().get("/")
    middleware.process_request(plain)
    assert (
        "nonce" not in middleware.process_response(plain, HttpResponse())["Content-Security-Policy"]
    )


def test_a_nonce_asked_for_after_the_header_is_an_error():
    from csp.exceptions import CSPNonceError

    request = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda r: HttpResponse())
    middleware.process_request(request)
    middleware.process_response(request, HttpResponse())
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_excluded_prefixes_and_debug_pages_as_django_csp(settings):
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/bo-qua/"],
    }
    assert _both("/bo-qua/trang/") == [(None, None), (None, None)]
    assert _both("/thu-tuc/")[1][0] is not None
    settings.DEBUG = True
    request = RequestFactory().get("/")
    response = CSPMiddleware(lambda r: HttpResponse()).process_response(
        request, HttpResponseNotFound()
    )
    assert "Content-Security-Policy" not in response


# --------------------------------------------------------------------------- sessions


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the seeded roles
def test_a_new_session_is_one_insert_outside_a_transaction():
    store = SessionStore()
    store["portal_lookup"] = {"7": [1.0, "phone"]}
    with CaptureQueriesContext(connection) as captured:
        store.save()
    assert [q["sql"].split()[0] for q in captured] == ["INSERT"]
    assert len(store.session_key) == 32
    assert SessionStore(store.session_key).load() == {"portal_lookup": {"7": [1.0, "phone"]}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the seeded roles
def test_a_taken_key_is_never_overwritten():
    first = SessionStore()
    first["owner"] = "first"
    first.save()
    second = SessionStore()
    second._session_key = first.session_key
    second["owner"] = "second"
    with pytest.raises(CreateError):
        second.save(must_create=True)
    assert SessionStore(first.session_key).load() == {"owner": "first"}
    # create() draws another key when the drawn one is taken, as Django's backend does
    second.create()
    assert second.session_key != first.session_key
    assert Session.objects.count() == 2


@pytest.mark.django_db
def test_inside_a_transaction_the_insert_keeps_its_savepoint():
    first = SessionStore()
    first.save()
    second = SessionStore()
    second._session_key = first.session_key
    with pytest.raises(CreateError):
        second.save(must_create=True)
    # the surrounding transaction is still usable
    assert Session.objects.filter(session_key=first.session_key).exists()
