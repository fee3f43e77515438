from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-rq/", include("django_rq.urls")),
    path("desk/reports/", include("motcua.reports.urls")),
    path("cong-khai-tien-do/", include("motcua.reports.public_urls")),
    path("desk/", include("motcua.desk.urls")),
    path("print/", include("motcua.printing.urls")),
    path("admin/", admin.site.urls),
    path("", include("motcua.portal.urls")),
    path("", include("motcua.integrations.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
