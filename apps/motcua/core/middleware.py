"""Language selection: Vietnamese unless the person chose another language (docs/architecture.md: UI text is
Vietnamese by default with English available).

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``, so an office PC with an
English Windows would get an English desk. Here the order is: the language cookie set by the
language switch (``/i18n/setlang/``), then the site's language (``settings.LANGUAGE_CODE``).
"""

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin


class SiteLanguageMiddleware(MiddlewareMixin):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
