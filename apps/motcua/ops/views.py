"""Liveness, readiness and metrics endpoints (for the load balancer and monitoring; no dossier)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.ops import health
from motcua.security.client_ip import client_ip


@never_cache
@require_GET
def live_view(request):
    """The process answers (no dependency checked): a failing one is restarted, not drained."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def ready_view(request):
    """200 when this web process can serve (database, Redis, file store); 503 otherwise."""
    ready, report = health.readiness()
    return JsonResponse(report, status=200 if ready else 503)


def monitoring_client(request) -> bool:
    """Whether the client's address (proxy-aware) is in ``[monitoring] networks``."""
    try:
        ip = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(net, strict=False) for net in settings.MOTCUA_MONITORING_NETWORKS
    )


@never_cache
@require_GET
def metrics_view(request):
    """Prometheus text format (django-prometheus + the site's gauges), monitoring network only."""
    if not monitoring_client(request):
        return HttpResponseForbidden(_("Chỉ mạng giám sát được đọc số liệu này."))
    from django_prometheus.exports import ExportToDjangoView

    from motcua.ops.metrics import site_collector_register

    site_collector_register()
    return ExportToDjangoView(request)


def _outage(exc: BaseException | None) -> bool:
    """Whether *exc* means a service the site depends on is down (not a bug in the code)."""
    from django.db import InterfaceError, OperationalError

    kinds: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeout

        kinds += [RedisConnectionError, RedisTimeout]
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    try:
        from botocore.exceptions import ClientError, ConnectionError, EndpointConnectionError

        kinds += [ConnectionError, EndpointConnectionError]
        if isinstance(exc, ClientError):
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            return int(status or 0) >= 500
    except ImportError:  # pragma: no cover
        pass
    seen = 0
    while exc is not None and seen < 5:  # the outage may be the cause of another error
        if isinstance(exc, tuple(kinds)):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def unavailable_response(request=None) -> HttpResponse:
    """The Vietnamese "try again in a minute" page (no database, no session, no base template)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from motcua.ops.requestid import current_request_id

    body = render_to_string(
        "ops/unavailable.html",
        {"language": translation.get_language() or "vi", "request_id": current_request_id()},
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, *args, **kwargs):
    """``handler500``: an outage of the database, Redis or the object store answers 503, not 500."""
    import sys

    from django.views.defaults import server_error as django_server_error

    if _outage(sys.exc_info()[1]):
        import logging

        logging.getLogger("motcua.ops").warning("service unavailable: %s", sys.exc_info()[1])
        return unavailable_response(request)
    return django_server_error(request, *args, **kwargs)
