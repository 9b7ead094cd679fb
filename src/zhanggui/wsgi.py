"""WSGI entry point (``gunicorn zhanggui.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")
application = get_wsgi_application()
