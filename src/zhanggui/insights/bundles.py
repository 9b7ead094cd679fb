"""Bundle suggestions (套装) from a basket-analysis run's rules.

A bundle is a frequent pair or triple of products: the items of a stored rule
(antecedent + consequent) of two or three products. Kept when its lift is above 1 and its
support reaches ``min_support``. A triple's lift is the highest lift among its stored rules
(how much likelier the last item is once the other two are in the basket).

Ranked by the baskets above chance: count − count / lift (for a pair, its count minus the
count expected if the two sold independently), then lift. Each suggests a set price —
the sum of the list prices of each product's best-selling SKU × (1 − ``DEFAULT_DISCOUNT``),
rounded to the yuan — and links to the promotion add form pre-filled with it.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.catalog.models import Product, Sku
from zhanggui.core.money import to_money
from zhanggui.insights import basket_data
from zhanggui.insights.models import AssociationRule, BasketRun

DEFAULT_DISCOUNT = Decimal("0.10")
DEFAULT_MIN_SUPPORT = Decimal("0.005")
NAME_LENGTH = 80  # Promotion.name


@dataclass(frozen=True)
class BundleItem:
    product_id: int
    title: str
    sku_id: int
    price: Decimal


@dataclass(frozen=True)
class Bundle:
    product_ids: tuple[int, ...]
    items: tuple[BundleItem, ...]
    baskets: int
    support: Decimal
    lift: Decimal
    extra_baskets: Decimal
    list_price: Decimal
    set_price: Decimal
    promotion_url: str


def set_price(prices: list[Decimal], discount: Decimal = DEFAULT_DISCOUNT) -> Decimal:
    """Sum × (1 − discount), rounded to the yuan (half up), as money."""
    total = sum(prices, Decimal(0)) * (1 - discount)
    return to_money(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def extra_baskets(baskets: int, lift: Decimal) -> Decimal:
    """Baskets above chance: count − count / lift, to one decimal."""
    return (baskets - Decimal(baskets) / lift).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def candidate_itemsets(run: BasketRun, min_support: Decimal) -> dict[tuple[int, ...], dict]:
    """Pairs and triples of the run's rules with lift > 1 and enough support: items → the
    count, support and highest lift."""
    found: dict[tuple[int, ...], dict] = {}
    rules = AssociationRule.objects.filter(run=run, size__in=(2, 3), lift__gt=1,
                                           support__gte=min_support)
    for antecedent, consequent, count, support, lift in rules.values_list(
            "antecedent", "consequent_id", "baskets", "support", "lift"):
        key = tuple(sorted([*antecedent, consequent]))
        seen = found.get(key)
        if seen is None or lift > seen["lift"]:
            found[key] = {"baskets": count, "support": support, "lift": lift}
    return found


def _skus(run: BasketRun, product_ids: list[int]) -> dict[int, Sku]:
    """Each product's best-selling SKU of the run's period (else its first active SKU)."""
    try:
        chosen = basket_data.top_skus(product_ids, run.period_start, run.period_end)
    except WarehouseEmpty:
        chosen = {}
    skus = {s.pk: s for s in Sku.objects.filter(pk__in=chosen.values(), is_active=True)}
    result = {product: skus[sku] for product, sku in chosen.items() if sku in skus}
    for sku in Sku.objects.filter(product_id__in=set(product_ids) - set(result),
                                  is_active=True).order_by("-pk"):
        result[sku.product_id] = sku  # the lowest pk wins (ordered last)
    return result


def promotion_url(items: tuple[BundleItem, ...], price: Decimal) -> str:
    """The promotion add form pre-filled with a bundle of ``items`` at ``price``."""
    name = _("Bundle: %(titles)s") % {"titles": " + ".join(i.title for i in items)}
    query = {"name": name[:NAME_LENGTH], "kind": "bundle", "scope": "skus",
             "scope_ids": ",".join(str(i.sku_id) for i in items),
             "special_price_amount": str(price)}
    return f"{reverse('admin:pricing_promotion_add')}?{urlencode(query)}"


def suggest_bundles(run: BasketRun | None, *, min_support: Decimal = DEFAULT_MIN_SUPPORT,
                    discount: Decimal = DEFAULT_DISCOUNT, limit: int = 20) -> list[Bundle]:
    """The run's best ``limit`` bundles (see the module docstring); none without a run."""
    if run is None:
        return []
    found = candidate_itemsets(run, min_support)
    product_ids = sorted({p for key in found for p in key})
    titles = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "title"))
    skus = _skus(run, product_ids)
    bundles = []
    for key, figures in found.items():
        if not all(p in skus and p in titles for p in key):
            continue
        items = tuple(BundleItem(p, titles[p], skus[p].pk, skus[p].price_amount) for p in key)
        prices = [i.price for i in items]
        price = set_price(prices, discount)
        bundles.append(Bundle(
            product_ids=key, items=items, baskets=figures["baskets"], support=figures["support"],
            lift=figures["lift"], extra_baskets=extra_baskets(figures["baskets"], figures["lift"]),
            list_price=to_money(sum(prices, Decimal(0))), set_price=price,
            promotion_url=promotion_url(items, price)))
    bundles.sort(key=lambda b: (-b.extra_baskets, -b.lift, b.product_ids))
    return bundles[:limit]
