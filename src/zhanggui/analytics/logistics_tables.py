"""The tables the warehouse refresh derives for the logistics report (``rollups.DERIVED`` adds
them): each parcel with what the scorecards ask of it, and each paid order with its first
parcel. Plain data here (name → inputs, label, SQL) so that ``rollups`` imports it without
a cycle.

Fall-backs for parcels from before collection scans, promises and carrier charges were
recorded (they have none of the three):

- ``handed_over_at`` is the carrier's collection scan, or the hand-over at the warehouse
  (``shipped_at``) when there is no scan: the time a parcel counts as collected.
- a parcel without ``promised_at`` has no on-time verdict; one without ``cost_amount`` no
  cost (the metrics count only the parcels that have them and say how many do not).
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.regions import PROVINCES


def region_group_sql(column: str) -> str:
    """The region group (``core.regions.RegionGroup``) of a province code column, as SQL."""
    cases = " ".join(f"WHEN '{p.code}' THEN '{p.group.value}'" for p in PROVINCES)
    return f"CASE {column} {cases} ELSE '' END"


PARCEL_FACTS_SQL = f"""
    WITH line_values AS (
        -- each order's goods in each parcel: their value (line total × share of its units)
        SELECT sl.shipment_id, sl.order_id,
               sum(sl.quantity * l.total_amount / l.quantity) AS goods_value,
               sum(sl.quantity) AS units
        FROM shipment_lines sl JOIN order_lines l USING (line_id)
        JOIN shipments s ON s.shipment_id = sl.shipment_id
        WHERE s.status <> 'cancelled' AND l.quantity > 0
        GROUP BY ALL
    ), order_totals AS (
        SELECT order_id, sum(goods_value) AS goods_value, sum(units) AS units
        FROM line_values GROUP BY order_id
    ), basis AS (
        -- each order's GMV spread over its parcels by the value of the goods each carries
        SELECT v.shipment_id,
               sum(o.paid_amount * CASE WHEN t.goods_value > 0 THEN v.goods_value / t.goods_value
                                        ELSE v.units / t.units END) AS gmv_basis
        FROM line_values v JOIN order_totals t USING (order_id) JOIN orders o USING (order_id)
        WHERE o.paid_at IS NOT NULL AND o.status <> 'cancelled'
        GROUP BY v.shipment_id
    ), unlined AS (
        -- parcels from before parcels had lines: an order none of whose live parcels has
        -- lines spreads its GMV evenly over them
        SELECT s.shipment_id, o.paid_amount / count(*) OVER (PARTITION BY s.order_id) AS gmv_basis
        FROM shipments s JOIN orders o USING (order_id)
        WHERE s.status <> 'cancelled' AND o.paid_at IS NOT NULL AND o.status <> 'cancelled'
          AND s.shipment_id NOT IN (SELECT shipment_id FROM shipment_lines)
          AND s.order_id NOT IN (SELECT order_id FROM line_values)
    )
    SELECT s.shipment_id, s.order_id, s.warehouse_id, s.carrier, s.service_level,
           s.promised_days, s.status, s.issue, s.issue IN ('damaged', 'lost') AS damaged_or_lost,
           o.channel, o.province_code, {region_group_sql("o.province_code")} AS region_group,
           o.paid_at, s.shipped_at, s.collected_at,
           coalesce(s.collected_at, s.shipped_at) AS handed_over_at,
           s.promised_at, s.delivered_at, s.failed_at, s.weight_grams,
           CAST(s.weight_grams / 1000 AS DECIMAL(18, 3)) AS weight_kg, s.cost_amount,
           CAST(coalesce(b.gmv_basis, u.gmv_basis, 0) AS DECIMAL(14, 2)) AS gmv_basis
    FROM shipments s LEFT JOIN orders o USING (order_id)
    LEFT JOIN basis b USING (shipment_id) LEFT JOIN unlined u USING (shipment_id)
    WHERE s.status <> 'cancelled'
    ORDER BY handed_over_at NULLS LAST, s.shipment_id"""

ORDER_SHIPPING_SQL = f"""
    WITH parcels AS (
        -- the parcels of each order: those carrying its lines, and the one opened for it
        SELECT p.*, po.order_id AS for_order_id FROM (
            SELECT shipment_id, order_id FROM shipment_lines
            UNION SELECT shipment_id, order_id FROM shipments
        ) po JOIN parcel_facts p USING (shipment_id)
    ), firsts AS (
        SELECT * FROM parcels
        QUALIFY row_number() OVER (PARTITION BY for_order_id
                                   ORDER BY handed_over_at NULLS LAST, shipment_id) = 1
    )
    SELECT o.order_id, o.paid_at, o.status, o.channel, o.province_code,
           {region_group_sql("o.province_code")} AS region_group,
           f.shipment_id AS first_shipment_id, f.handed_over_at AS first_handed_over_at,
           f.warehouse_id, f.carrier, f.service_level
    FROM orders o LEFT JOIN firsts f ON f.for_order_id = o.order_id
    WHERE o.paid_at IS NOT NULL AND o.status <> 'cancelled'
    ORDER BY o.paid_at, o.order_id"""

# name → (inputs, label, SQL), in order: order_shipping reads parcel_facts.
DERIVED = {
    "parcel_facts": ({"shipments", "shipment_lines", "orders", "order_lines"},
                     _("Each parcel with its destination, times, weight, charge and GMV share"),
                     PARCEL_FACTS_SQL),
    "order_shipping": ({"orders", "parcel_facts"},
                       _("Each paid order with its first parcel"), ORDER_SHIPPING_SQL),
}
