"""The one search box in the console's header (``/search/?q=``).

The console only lays results out: each app answers for its own objects through
``queries.search`` (which indexes it uses, who may see what, masking), and ``core.search``
reads the query. Groups come in a fixed order, each with at most ``GROUP_LIMIT`` results and
a link to the model's list filtered by the same words when there are more.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog import queries as catalog_queries
from zhanggui.core.search import MIN_LENGTH, Found, Hit, SearchQuery, highlight, parse_query
from zhanggui.customers import queries as customers_queries
from zhanggui.fulfillment import queries as fulfillment_queries
from zhanggui.orders import queries as orders_queries

GROUP_LIMIT = 10


@dataclass(frozen=True)
class Kind:
    model: str  # "app_label.model_name"
    title: object
    icon: str
    search: Callable[..., Found]


KINDS = [
    Kind("orders.order", _("Orders"), "receipt_long", orders_queries.search),
    Kind("fulfillment.shipment", _("Shipments"), "local_shipping", fulfillment_queries.search),
    Kind("customers.customer", _("Customers"), "group", customers_queries.search),
    Kind("catalog.sku", _("SKUs"), "style", catalog_queries.search_skus),
    Kind("catalog.product", _("Products"), "inventory_2", catalog_queries.search_products),
]


def _admin_url(model: str, view: str, *args) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_{view}", args=args)


def _result(hit: Hit) -> dict:
    return {"label": hit.label, "detail": hit.detail, "field": hit.field,
            "parts": highlight(hit.value, hit.needle),
            "url": _admin_url(hit.model, "change", hit.pk)}


def search_groups(query: SearchQuery, *, user) -> list[dict]:
    """The non-empty result groups ``user`` may see, in ``KINDS`` order."""
    groups = []
    for kind in KINDS:
        found = kind.search(query, user=user, limit=GROUP_LIMIT)
        if not found.hits:
            continue
        more_url = ""
        if found.has_more:
            more_url = (_admin_url(kind.model, "changelist") + "?"
                        + urlencode({"q": query.text}))
        groups.append({"model": kind.model, "title": kind.title, "icon": kind.icon,
                       "results": [_result(hit) for hit in found.hits], "more_url": more_url})
    return groups


def search_view(request: HttpRequest, site: admin.AdminSite) -> TemplateResponse:
    """GET ``?q=``: the results grouped by kind, or a hint when the query is too short."""
    query = parse_query(request.GET.get("q", ""))
    groups = search_groups(query, user=request.user) if query.is_searchable else []
    return TemplateResponse(request, "console/search.html", {
        **site.each_context(request), "title": _("Search"), "query": query.text,
        "searched": query.is_searchable, "groups": groups, "min_length": MIN_LENGTH,
    })


def search_urls(site: admin.AdminSite) -> list:
    """The search page, to put in front of the admin site's own URLs (``zhanggui.urls``), so
    it is ``admin:console_search`` at ``/search/`` with the console's chrome and login."""
    return [path("search/", site.admin_view(lambda request: search_view(request, site)),
                 name="console_search")]
