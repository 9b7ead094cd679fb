"""Celery application.

Tasks run eagerly in-process unless ``REDIS_URL`` is set, in which case Redis is the
broker and ``celery -A zhanggui worker`` processes run them (see README, Deployment).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")

app = Celery("zhanggui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
