"""WSGI entry (gunicorn ``config.wsgi``): the same settings choice as manage.py and the workers."""

import os

from django.core.wsgi import get_wsgi_application

from config.site import settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
application = get_wsgi_application()

# Import every view while the worker boots (gunicorn loads this module before it accepts
# connections), not on its first request: the URLconf pulls in PDF signing, the API schema and
# the admin, seconds of imports that would otherwise stall a visitor after every worker restart
# (``max_requests``).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
