"""URL map: the console (admin) at ``/``, the API at ``/api/v1``, docs at ``/api/docs``.

The console's search page (``/search/``) is added to the admin site's URLs, in its
namespace, so it is reversed as ``admin:console_search`` and keeps its chrome."""

from django.contrib import admin
from django.urls import include, path

from zhanggui.api import api
from zhanggui.console.search import search_urls

console_urls, app_name, namespace = admin.site.urls

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", ([*search_urls(admin.site), *console_urls], app_name, namespace)),
]
