from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-rq/", include("django_rq.urls")),
    path("desk/", include("motcua.desk.urls")),
    path("print/", include("motcua.printing.urls")),
    path("admin/", admin.site.urls),
    path("", include("motcua.portal.urls")),
    path("", include("motcua.integrations.urls")),
]

# Uploaded files are never served from MEDIA_URL: only through the scope-checked views
# (motcua.core.serving), so no static() route for media here, even with DEBUG on.
