"""Console page of basket analysis (购物篮分析, ``/insights/basket/``):

- filters: the category (shop-wide when empty) and which of its runs (the latest by
  default; each run names its period), the minimum lift of the rules shown;
- "mine now" (POST ``/insights/basket/mine/``, ``insights.add_basketrun``): mine the paid
  baskets of a period (the last 90 days by default) and show the new run;
- the rules table (antecedent ⇒ consequent with product titles, count, support %,
  confidence %, lift, leverage) and the bundle suggestions, each with a link that opens
  the bundle promotion form pre-filled.

Added to the admin site's URLs (``zhanggui.urls``) so it keeps the console's chrome. Thin:
authorise, call one query or action, render."""

from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhanggui.catalog.models import Category, Product
from zhanggui.core.errors import DomainError
from zhanggui.insights import actions_basket, bundles
from zhanggui.insights.models import BasketRun

VIEW = "insights.view_associationrule"
MINE = "insights.add_basketrun"
RULES_SHOWN = 200
RUNS_LISTED = 30
HUNDRED = Decimal(100)


def basket_urls(site: admin.AdminSite) -> list:
    """The pages, to put in front of the admin site's own URLs (``zhanggui.urls``)."""
    page = site.admin_view(lambda request: basket_view(request, site))
    mine = site.admin_view(require_POST(lambda request: mine_view(request)))
    return [path("insights/basket/", page, name="insights_basket"),
            path("insights/basket/mine/", mine, name="insights_basket_mine")]


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _decimal(text: str | None, default: Decimal) -> Decimal:
    try:
        return Decimal(text) if text else default
    except InvalidOperation:
        return default


def _date(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _rule_rows(run: BasketRun, min_lift: Decimal) -> list[dict]:
    rules = list(run.rules.filter(lift__gte=min_lift).order_by("-lift", "-baskets", "pk")[:RULES_SHOWN])
    ids = {r.consequent_id for r in rules} | {p for r in rules for p in r.antecedent}
    titles = dict(Product.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [{"antecedent": [titles.get(p, f"#{p}") for p in r.antecedent],
             "consequent": titles.get(r.consequent_id, f"#{r.consequent_id}"), "rule": r,
             "support_percent": r.support * HUNDRED, "confidence_percent": r.confidence * HUNDRED}
            for r in rules]


def basket_view(request: HttpRequest, site: admin.AdminSite) -> HttpResponse:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    category_id = _int(request.GET.get("category"))
    category = Category.objects.filter(pk=category_id).first() if category_id else None
    runs = list(BasketRun.objects.filter(category=category).order_by("-computed_at", "-pk")[:RUNS_LISTED])
    wanted = _int(request.GET.get("run"))
    run = next((r for r in runs if r.pk == wanted), runs[0] if runs else None)
    min_lift = _decimal(request.GET.get("min_lift"), Decimal(0))
    start, end = actions_basket.default_period()
    return TemplateResponse(request, "console/insights/basket/basket.html", {
        **site.each_context(request), "title": _("Basket analysis"),
        "categories": Category.objects.order_by("level", "name"), "category": category,
        "runs": runs, "run": run, "min_lift": min_lift,
        "run_support_percent": run.min_support * HUNDRED if run else None,
        "run_confidence_percent": run.min_confidence * HUNDRED if run else None,
        "rules": _rule_rows(run, min_lift) if run else [],
        "bundles": bundles.suggest_bundles(run) if run else [],
        "can_mine": request.user.has_perm(MINE), "default_start": start, "default_end": end,
        "default_support": actions_basket.DEFAULT_MIN_SUPPORT * HUNDRED,
        "default_confidence": actions_basket.DEFAULT_MIN_CONFIDENCE * HUNDRED,
        "can_add_promotion": request.user.has_perm("pricing.add_promotion"),
    })


def mine_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(MINE):
        raise PermissionDenied
    start, end = actions_basket.default_period()
    category_id = _int(request.POST.get("category"))
    category = Category.objects.filter(pk=category_id).first() if category_id else None
    back = reverse("admin:insights_basket")
    try:
        run = actions_basket.mine_baskets(
            _date(request.POST.get("period_start"), start), _date(request.POST.get("period_end"), end),
            category, actor=request.user,
            min_support=_decimal(request.POST.get("min_support_percent"),
                                 actions_basket.DEFAULT_MIN_SUPPORT * HUNDRED) / HUNDRED,
            min_confidence=_decimal(request.POST.get("min_confidence_percent"),
                                    actions_basket.DEFAULT_MIN_CONFIDENCE * HUNDRED) / HUNDRED)
    except DomainError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(back + (f"?category={category.pk}" if category else ""))
    messages.success(request, _("Mined %(baskets)s baskets: %(rules)s rules.")
                     % {"baskets": run.baskets, "rules": run.rule_count})
    query = {"run": run.pk, **({"category": category.pk} if category else {})}
    return HttpResponseRedirect(f"{back}?{urlencode(query)}")
