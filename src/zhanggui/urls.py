"""URL map: the console (admin) at ``/``, the API at ``/api/v1``, docs at ``/api/docs``."""

from django.contrib import admin
from django.urls import include, path

from zhanggui.api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", admin.site.urls),
]
