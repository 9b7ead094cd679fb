"""URL map: the console (admin) at ``/``, the API at ``/api/v1``, docs at ``/api/docs``.

The console's report pages (``/reports/<name>/``) and its search page (``/search/``) are
added to the admin site's URLs, in its namespace, so they are reversed as
``admin:analytics_report`` and ``admin:console_search`` and keep its chrome."""

from django.contrib import admin
from django.urls import include, path

from zhanggui.api import api
from zhanggui.console.admin.analytics import report_urls
from zhanggui.console.admin.channels import channels_urls
from zhanggui.console.admin.insights_basket import basket_urls
from zhanggui.console.admin.insights_briefing import briefing_urls
from zhanggui.console.admin.live import live_urls
from zhanggui.console.admin.replenishment import supply_urls
from zhanggui.console.admin.team import team_urls
from zhanggui.console.search import search_urls
from zhanggui.marketing.unsubscribe import unsubscribe_view
from zhanggui.service.views import rate_view

console_urls, app_name, namespace = admin.site.urls

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("unsubscribe/<str:token>/", unsubscribe_view, name="marketing_unsubscribe"),
    path("rate/<str:token>/", rate_view, name="service_rate"),  # the service desk's rating link
    path("", ([*report_urls(admin.site), *briefing_urls(admin.site), *basket_urls(admin.site),
                *search_urls(admin.site), *supply_urls(admin.site),
                *channels_urls(admin.site), *live_urls(admin.site), *team_urls(admin.site),
                *console_urls], app_name, namespace)),
]
