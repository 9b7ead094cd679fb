"""Paid baskets of a period, read from the analytics warehouse (DuckDB), for the miner.

A basket is one order paid in the period (shop-local day of ``paid_at``) and not cancelled
or closed: the distinct products of its lines (products, not SKUs — two sizes of one shirt
are one item). Within a category (its sub-categories included), a basket holds only the
order's products of that category, and orders with none are not baskets of it.
"""

from datetime import date, datetime, timedelta

from zhanggui.analytics import reader

EXCLUDED_STATUSES = ("cancelled", "closed")

_IN_CATEGORY = """AND l.product_id IN (
    SELECT pr.product_id FROM products pr JOIN category_paths cp ON cp.category_id = pr.category_id
    WHERE cp.ancestor_id = $category)"""

BASKETS_SQL = """
SELECT list(DISTINCT l.product_id ORDER BY l.product_id) AS products
FROM order_lines l JOIN orders o ON o.order_id = l.order_id
WHERE o.paid_at >= $start AND o.paid_at < $end AND o.status NOT IN ('cancelled', 'closed')
  AND l.product_id IS NOT NULL {category}
GROUP BY o.order_id
ORDER BY o.order_id
"""

# The SKU of each product sold most often (units) in the period: a bundle promotion is over
# SKUs, and the one shoppers pick most is the one to offer.
TOP_SKUS_SQL = """
SELECT product_id, arg_max(sku_id, units) AS sku_id FROM (
    SELECT l.product_id, l.sku_id, sum(l.quantity) AS units
    FROM order_lines l JOIN orders o ON o.order_id = l.order_id
    WHERE o.paid_at >= $start AND o.paid_at < $end AND o.status NOT IN ('cancelled', 'closed')
      AND list_contains($products, l.product_id)
    GROUP BY ALL)
GROUP BY product_id
"""


def bounds(first: date, last: date) -> dict:
    """Query parameters of the shop-local days [first, last]."""
    return {"start": datetime.combine(first, datetime.min.time()),
            "end": datetime.combine(last + timedelta(days=1), datetime.min.time())}


def paid_baskets(first: date, last: date, category_id: int | None = None) -> list[list[int]]:
    """The product ids of each paid basket of [first, last] (see the module docstring)."""
    params = bounds(first, last)
    sql = BASKETS_SQL.format(category=_IN_CATEGORY if category_id is not None else "")
    if category_id is not None:
        params["category"] = category_id
    return [list(products) for (products,) in reader.query(sql, params)]


def top_skus(product_ids: list[int], first: date, last: date) -> dict[int, int]:
    """product id → its best-selling SKU (units) in [first, last], for the products sold."""
    if not product_ids:
        return {}
    params = {**bounds(first, last), "products": list(product_ids)}
    return dict(reader.query(TOP_SKUS_SQL, params))
