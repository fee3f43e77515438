"""WSGI entry (gunicorn ``config.wsgi``): the same settings choice as manage.py and the workers."""

import os

from django.core.wsgi import get_wsgi_application

from config.site import settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
application = get_wsgi_application()
