from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django_rq import urls as django_rq_urls

from motcua.security.decorators import site_administrator_required


def _site_administrators_only(patterns):
    """Wrap every view of an included app (django-rq only checks ``is_staff``)."""
    wrapped = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            raise TypeError("nested includes are not wrapped")
        assert isinstance(pattern, URLPattern)
        wrapped.append(
            URLPattern(
                pattern.pattern,
                site_administrator_required(pattern.callback),
                pattern.default_args,
                pattern.name,
            )
        )
    return wrapped


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The job dashboard shows every job's arguments and can requeue or delete them.
    path(
        "django-rq/",
        include((_site_administrators_only(django_rq_urls.urlpatterns), "django_rq")),
    ),
    path("desk/notifications/", include("motcua.notifications.urls")),
    path("desk/reports/", include("motcua.reports.urls")),
    path("cong-khai-tien-do/", include("motcua.reports.public_urls")),
    path("desk/", include("motcua.desk.urls")),
    path("security/", include("motcua.security.urls")),
    path("print/", include("motcua.printing.urls")),
    # The site's enabled plugins' pages (hook ``urls``, docs/plugins.md).
    *[
        path(f"plugins/{plugin.name}/", include(plugin.get("urls")))
        for plugin in settings.MOTCUA_PLUGINS
        if plugin.get("urls")
    ],
    path("admin/", admin.site.urls),
    path("api/", include("motcua.api.urls")),
    path("", include("motcua.portal.urls")),
    path("", include("motcua.integrations.urls")),
    path("", include("motcua.jobs.urls")),
    path("", include("motcua.ops.urls")),  # /health/live/, /health/ready/, /metrics
]

# Uploaded files are never served from MEDIA_URL: only through the scope-checked views
# (motcua.core.serving), so no static() route for media here, even with DEBUG on.

# An outage of the database, Redis or the object store gets the Vietnamese 503 page (Retry-After).
handler500 = "motcua.ops.views.server_error"
