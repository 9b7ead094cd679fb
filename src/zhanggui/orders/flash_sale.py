"""Flash sales (限时秒杀) reserved in Redis before the database order (docs/flash-sale.md).

With ``settings.ZHANGGUI_FLASH_SALE_REDIS`` (true only when ``REDIS_URL`` is set), an order
whose lines a live flash sale covers first reserves, in ONE Lua script run, each SKU's units
against its remaining stock and the flash units against the sale's remaining cap and the
buyer's per-buyer limit, recording a pending reservation (a token). Too few units of a SKU
refuse the order with ``InsufficientStock`` at once, nothing written anywhere. Otherwise the
order is placed by the database as before (its conditional updates stay the final guard),
priced with at most the flash units Redis granted (what the cap and the buyer's limit
allow: units beyond them pay the list price, as on the database path). On commit the
reservation is confirmed (flash units the order did not take are given back); on any
failure it is released. The order keeps the token (``Order.flash_token``), so the
reconciliation (``flash_sale_reconcile``) tells a dead worker's reservation from a placed
order and re-derives every counter from the database.

Without Redis, with the setting off, when Redis cannot be reached, or for orders no live
flash sale covers, ``place_order`` takes the database path unchanged.
"""

import json
import logging
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from zhanggui.catalog.models import Sku
from zhanggui.inventory.errors import InsufficientStock
from zhanggui.orders import flash_sale_lua as lua
from zhanggui.orders.flash_sale_rules import Sale, SkuFacts, request, units_taken
from zhanggui.pricing.models import Promotion

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "zg:{flash}"
# The live flash sales and the SKUs' facts are cached this long per process (a save of a
# promotion in this process forgets them at once; other processes see it after this).
CACHE_SECONDS = 2.0
# Sales starting within this horizon are cached too, so one starting is seen at its second.
HORIZON = timedelta(seconds=60)
INIT_WAIT_SECONDS = 2.0  # while another process initialises missing counters
SCRIPTS = {"reserve": lua.RESERVE, "confirm": lua.CONFIRM, "release": lua.RELEASE,
           "rederive": lua.REDERIVE}


@dataclass(frozen=True)
class Hold:
    """A pending reservation: its token, the buyer and the flash units granted per sale."""

    token: str
    buyer: int
    units: dict[int, int]


def enabled() -> bool:
    return bool(getattr(settings, "ZHANGGUI_FLASH_SALE_REDIS", False))


def prefix() -> str:
    return getattr(settings, "ZHANGGUI_FLASH_SALE_KEY_PREFIX", "") or DEFAULT_PREFIX


_clients: dict[str, tuple[redis.Redis, dict]] = {}


def connection() -> tuple[redis.Redis, dict]:
    """The Redis client (one pool per URL and process) and its registered scripts."""
    url = getattr(settings, "ZHANGGUI_FLASH_SALE_REDIS_URL", "") or settings.REDIS_URL
    entry = _clients.get(url)
    if entry is None:
        client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=2,
                                      socket_connect_timeout=2)
        entry = _clients[url] = (client, {k: client.register_script(v) for k, v in SCRIPTS.items()})
    return entry


def run(name: str, *args):
    """Run one of the scripts (EVALSHA; loaded on the first NOSCRIPT)."""
    _client, scripts = connection()
    return scripts[name](args=[prefix(), *args])


# ---- live sales and SKU facts, cached briefly -----------------------------------------------

_cache: dict = {"until": 0.0, "sales": [], "facts": {}}


def forget(**_kwargs) -> None:
    """Drop the cached sales and SKU facts (after a promotion's save commits, and in tests)."""
    _cache.update(until=0.0, sales=[], facts={})


def _promotion_changed(**_kwargs) -> None:
    transaction.on_commit(forget)


post_save.connect(_promotion_changed, sender=Promotion, dispatch_uid="orders.flash_sale.saved")
post_delete.connect(_promotion_changed, sender=Promotion, dispatch_uid="orders.flash_sale.deleted")


def live_sales(at) -> list[Sale]:
    if time.monotonic() >= _cache["until"]:
        rows = (Promotion.objects.filter(kind="flash_sale", is_active=True)
                .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
                .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at + HORIZON))
                .values_list("pk", "scope", "scope_ids", "starts_at", "ends_at"))
        sales = [Sale(pk, scope, frozenset(int(i) for i in ids or ()), starts, ends)
                 for pk, scope, ids, starts, ends in rows]
        _cache.update(sales=sales, facts={}, until=time.monotonic() + CACHE_SECONDS)
    return [sale for sale in _cache["sales"] if sale.is_live(at)]


def sku_facts(sku_ids: Iterable[int]) -> dict[int, SkuFacts]:
    facts = _cache["facts"]
    missing = [pk for pk in sku_ids if pk not in facts]
    if missing:
        for sku in Sku.objects.select_related("product__category__parent__parent").filter(pk__in=missing):
            node, chain = sku.product.category, set()
            while node is not None:
                chain.add(node.pk)
                node = node.parent
            facts[sku.pk] = SkuFacts(sku.code, sku.product_id, frozenset(chain),
                                     sku.is_active and sku.product.status == "listed")
    return {pk: facts[pk] for pk in sku_ids if pk in facts}


# ---- the hot path ---------------------------------------------------------------------------

def _demand(lines) -> dict[int, int] | None:
    demand: dict[int, int] = {}
    for line in lines:
        quantity = line.quantity
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            return None  # the database path refuses it with its own error
        demand[line.sku_id] = demand.get(line.sku_id, 0) + quantity
    return demand or None


def reserve(customer, lines) -> Hold | None:
    """Reserve an order's flash-sale units in Redis (one script run). None: take the
    database path (off, nothing covered, a SKU not for sale, or Redis unreachable).

    Raises:
        InsufficientStock: a covered SKU has fewer units left than the order asks
            (nothing is reserved, nothing written).
    """
    if not enabled():
        return None
    demand = _demand(lines)
    at = timezone.now()
    sales = live_sales(at) if demand else []
    if not sales:
        return None
    facts = sku_facts(demand)
    if any(pk not in facts or not facts[pk].is_sellable for pk in demand):
        return None  # the database path says which SKU is not for sale
    wanted = request(demand, sales, facts)
    if wanted is None:
        return None
    try:
        return _reserve(uuid.uuid4().hex, customer.pk, wanted, demand, facts)
    except redis.RedisError:
        logger.warning("flash sale: Redis unreachable, order placed by the database path",
                       exc_info=True)
        return None


def _reserve(token: str, buyer: int, wanted: dict, demand: Mapping[int, int],
             facts: Mapping[int, SkuFacts]) -> Hold | None:
    from zhanggui.orders.flash_sale_reconcile import rederive  # it imports this module

    client, _scripts = connection()
    deadline, resynced = time.monotonic() + INIT_WAIT_SECONDS, False
    payload = json.dumps(wanted)
    while time.monotonic() < deadline:
        out = run("reserve", token, buyer, repr(time.time()), payload)
        if out[0] == "ok":
            return Hold(token, buyer, {int(out[i]): int(out[i + 1]) for i in range(1, len(out), 2)})
        if out[0] == "init":  # first use, or Redis lost the counters: from the database
            lock = f"{prefix()}:init"
            if client.set(lock, token, nx=True, px=5000):
                try:
                    rederive(extra_skus=demand)
                finally:
                    if client.get(lock) == token:
                        client.delete(lock)
            else:
                time.sleep(0.02)
            continue
        # Sold out in Redis: re-derived from the database at most once a second (stock
        # received or orders cancelled since the last reconciliation), then refused.
        if not resynced and client.set(f"{prefix()}:resync", token, nx=True, px=1000):
            rederive(extra_skus=demand)
            resynced = True
            continue
        sku_id = int(out[1])
        raise InsufficientStock(sku=facts[sku_id].code, requested=demand[sku_id],
                                available=max(int(out[2]), 0))
    logger.warning("flash sale: counters not initialised in time, database path for %s", token)
    return None


def confirm(hold: Hold, order) -> None:
    """The order committed: the reservation becomes a sale; flash units the order did not
    take are given back. A failure leaves it pending: the reconciliation confirms it."""
    taken = units_taken(order.pricing_breakdown or {}, hold.units)
    try:
        run("confirm", hold.token, repr(time.time()), json.dumps(taken))
    except redis.RedisError:
        logger.warning("flash sale: confirm of %s failed; reconciliation will", hold.token,
                       exc_info=True)


def release(hold: Hold) -> None:
    """The order was not placed: every unit of the reservation goes back. A failure leaves
    it pending: the reconciliation releases it (its order does not exist)."""
    try:
        run("release", hold.token)
    except redis.RedisError:
        logger.warning("flash sale: release of %s failed; reconciliation will", hold.token,
                       exc_info=True)


def reconcile_flash_sales(**kwargs) -> dict:
    """See ``flash_sale_reconcile.reconcile_flash_sales``."""
    from zhanggui.orders.flash_sale_reconcile import reconcile_flash_sales as reconcile

    return reconcile(**kwargs)
