"""Reconciliation of the Redis flash-sale counters with the database (docs/flash-sale.md).

``reconcile_flash_sales`` (the beat task every 30 s) first settles pending reservations older
than ``ZHANGGUI_FLASH_SALE_RECONCILE_SECONDS``: confirmed when their order exists (the worker
died between the commit and the confirm: the units stay sold), released when it does not
(the worker died before the order was written: the units go back). Then ``rederive`` sets
every counter of each live flash sale from the database's truth — units sold under the
promotion, each buyer's units (offer usages), the SKUs' available stock in active
warehouses — minus the reservations whose order that truth does not hold yet, in one Lua
script, so Redis never drifts from the ledger for long. The hot path calls ``rederive`` too
when counters are missing (first use, or Redis lost them: it keeps nothing on disk here).
"""

import json
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.inventory.models import Stock
from zhanggui.orders import flash_sale
from zhanggui.orders.models import Order
from zhanggui.pricing.models import OfferUsage, Promotion

logger = logging.getLogger("zhanggui.orders.flash_sale")

CHUNK = 500


@contextmanager
def _snapshot():
    """One consistent view of the database for every read inside: REPEATABLE READ on
    PostgreSQL (unless already inside a transaction); SQLite's transactions are one."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _existing(tokens: list[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(tokens), CHUNK):
        found += Order.objects.filter(flash_token__in=tokens[start:start + CHUNK]).values_list(
            "flash_token", flat=True)
    return found


def rederive(*, extra_skus=()) -> list:
    """Set the counters of every live flash sale and of the SKUs with counters (plus
    ``extra_skus``) from the database, minus the reservations not yet in it. Returns the
    counters that changed: [key and field, old, new]."""
    client, _scripts = flash_sale.connection()
    p = flash_sale.prefix()
    skus = {int(s) for s in client.hkeys(f"{p}:stock")} | {int(s) for s in extra_skus}
    with _snapshot():
        at = timezone.now()
        sales = list(Promotion.objects.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=at), Q(ends_at__isnull=True) | Q(ends_at__gt=at),
            kind="flash_sale", is_active=True,
        ).values_list("pk", "stock_cap", "sold_units", "per_buyer_limit"))
        buyers: dict[str, dict[str, int]] = {str(pk): {} for pk, *_rest in sales}
        for pk, customer, units in (OfferUsage.objects.filter(promotion_id__in=[s[0] for s in sales])
                                    .values("promotion_id", "customer_id").annotate(units=Sum("units"))
                                    .values_list("promotion_id", "customer_id", "units")):
            if units:
                buyers[str(pk)][str(customer)] = units
        stock = {str(pk): 0 for pk in skus}
        for sku_id, on_hand, reserved in (Stock.objects.filter(sku_id__in=skus, warehouse__is_active=True)
                                          .values("sku_id").annotate(h=Sum("on_hand"), r=Sum("reserved"))
                                          .values_list("sku_id", "h", "r")):
            stock[str(sku_id)] = (on_hand or 0) - (reserved or 0)
        # Read after the snapshot was taken: a reservation made later cannot be in it.
        tokens = sorted(set(client.hkeys(f"{p}:pending")) | set(client.hkeys(f"{p}:confirmed")))
        existing = _existing(tokens)
    truth = {"sales": {str(pk): {"cap": -1 if cap is None else max(cap - sold, 0),
                                 "limit": -1 if limit is None else limit, "buyers": buyers[str(pk)]}
                       for pk, cap, sold, limit in sales},
             "stock": stock, "existing": existing, "drop_stock": not sales}
    return list(json.loads(flash_sale.run("rederive", json.dumps(truth))) or [])  # cjson: {} for []


def _settle_stale(cutoff: float) -> tuple[list[str], list[str], dict[str, set[str]]]:
    """Confirm or release the pending reservations recorded before ``cutoff``."""
    from zhanggui.orders.actions import reservation_reference  # actions imports flash_sale

    client, _scripts = flash_sale.connection()
    stale = {}
    for token, raw in client.hgetall(f"{flash_sale.prefix()}:pending").items():
        record = json.loads(raw)
        if float(record["t"]) <= cutoff:
            stale[token] = record
    orders = {o.flash_token: o for o in Order.objects.filter(flash_token__in=list(stale))
              .only("pk", "number", "flash_token")}
    references = {reservation_reference(o): token for token, o in orders.items()}
    taken: dict[str, dict[str, int]] = {token: {} for token in orders}
    for reference, promotion_id, units in (OfferUsage.objects.filter(order_reference__in=list(references),
                                                                      promotion_id__isnull=False)
                                           .values_list("order_reference", "promotion_id", "units")):
        per_sale = taken[references[reference]]
        per_sale[str(promotion_id)] = per_sale.get(str(promotion_id), 0) + units
    confirmed, released, by_sale = [], [], {}
    for token, record in stale.items():
        if token in orders:
            if flash_sale.run("confirm", token, repr(time.time()), json.dumps(taken[token])):
                confirmed.append(token)
        elif flash_sale.run("release", token):
            released.append(token)
        for sale in record.get("f", {}):
            by_sale.setdefault(sale, set()).add(token)
    return confirmed, released, by_sale


def reconcile_flash_sales(*, older_than: float | None = None) -> dict:
    """Settle stale reservations and re-derive every counter (see the module). Returns what
    changed; logged (and on each affected promotion's operation log) when anything did."""
    if not flash_sale.enabled():
        return {"enabled": False}
    seconds = settings.ZHANGGUI_FLASH_SALE_RECONCILE_SECONDS if older_than is None else older_than
    confirmed, released, by_sale = _settle_stale(time.time() - seconds)
    changed = rederive()
    summary = {"enabled": True, "confirmed": confirmed, "released": released, "changed": changed}
    if confirmed or released or changed:
        logger.warning("flash-sale reconciliation: %d confirmed, %d released, counters changed: %s",
                       len(confirmed), len(released), changed)
        _log_per_sale(summary, by_sale)
    else:
        logger.info("flash-sale reconciliation: nothing to change")
    return summary


def _log_per_sale(summary: dict, by_sale: dict[str, set[str]]) -> None:
    keys = {row[0].split(" ")[0] for row in summary["changed"]}
    touched = set(by_sale) | {key.rsplit(":", 1)[-1] for key in keys
                              if ":sale:" in key or ":buyers:" in key}
    promotions = Promotion.objects.filter(pk__in=[int(pk) for pk in touched if pk.isdigit()])
    with transaction.atomic():
        for promotion in promotions:
            tokens = by_sale.get(str(promotion.pk), set())
            mine = [row for row in summary["changed"]
                    if row[0].split(" ")[0].endswith((f":sale:{promotion.pk}", f":buyers:{promotion.pk}"))]
            log_operation(promotion, action="orders.reconcile_flash_sale", actor=None, after={
                "confirmed": sorted(tokens & set(summary["confirmed"])),
                "released": sorted(tokens & set(summary["released"])), "changed": mine})
