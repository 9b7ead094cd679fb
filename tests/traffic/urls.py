"""The project's URLs plus a stand-in storefront page that includes the event script
(``tests/traffic/test_browser.py``)."""

from csp.decorators import csp_exempt
from django.http import HttpResponse
from django.urls import path
from django.utils.html import format_html

from zhanggui.urls import urlpatterns as project_patterns


@csp_exempt()
def storefront(request):
    """A product page of a self-hosted shop: the script tag, then the shop's own calls.

    The shop's site has its own headers: Zhanggui's Content-Security-Policy (scripts of the
    back office only) does not apply to this stand-in."""
    return HttpResponse(format_html(
        """<!doctype html><html><head><meta charset="utf-8"><title>小店</title>
        <script src="{script}" data-endpoint="{endpoint}" data-key="{key}"
                data-source="{source}"></script></head>
        <body><h1>商品详情</h1><script>
        zg.track("product_view", {{product_code: "{product}"}});
        zg.track("search", {{search_term: "火星手机", result_count: 0}});
        </script></body></html>""",
        script=request.GET["script"], endpoint=request.GET["endpoint"], key=request.GET["key"],
        source=request.GET.get("source", ""), product=request.GET.get("product", "")))


urlpatterns = [path("shop/", storefront), *project_patterns]
