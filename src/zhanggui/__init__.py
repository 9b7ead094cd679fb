"""Zhanggui (掌柜): an open-source operations platform for online stores."""

from zhanggui.celery import app as celery_app

__all__ = ["celery_app"]
