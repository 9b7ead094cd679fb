"""Console pages of channels."""

from django.contrib import admin


def channels_urls(site: admin.AdminSite) -> list:
    """The app's own pages, put in front of the admin site's URLs (``zhanggui.urls``)."""
    return []
