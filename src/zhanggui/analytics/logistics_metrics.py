"""The logistics part of the metric registry (``metrics`` adds these to ``SOURCES`` and
``METRICS``): the 48-hour ship rate, on-time delivery, damage and loss, and the carriers'
charges per parcel, per kg and as a share of GMV. Codes and 中文名 as in ``GLOSSARY.md``.

Sources read the derived tables of ``logistics_tables``. Each takes a warehouse and a carrier
filter (the parcel's; for an order, its first parcel's) and a channel (the order's).
Fall-backs for parcels recorded before collection scans, promises and charges existed:

- a parcel without a collection scan counts as collected when it was handed over
  (``handed_over_at``), for the ship rate and as a parcel collected;
- on-time delivery counts only parcels delivered with a promised time (``unpromised_
  deliveries`` says how many were left out);
- costs count only parcels with a carrier charge (``costed_parcels`` of ``parcels_collected``);
  per kg, only those weighed too;
- the ship rate leaves out orders still inside their 48 hours and not yet handed over
  (``ship_pending_orders``), and orders the shop marked shipped with no parcel hand-over on
  record (``ship_unrecorded_orders``): neither is late, neither is known to be on time.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics.metric_types import Source
from zhanggui.analytics.metric_types import metric as _m

SHIP_HOURS = 48
SHIP_TARGET = 0.95  # the guides' target for the 48-hour ship rate
DIMENSIONS = ("day", "carrier", "region_group", "warehouse_id", "service_level")
_FILTERS = {"channel": "AND x.channel = $channel", "warehouse": "AND x.warehouse_id = $warehouse",
            "carrier": "AND x.carrier = $carrier"}

SOURCES = [
    # Orders paid in the period (not cancelled) with their first parcel's hand-over, and who
    # packed that parcel (else who shipped it: ``extract_staff``), the team's ship rate per
    # warehouse staff member.
    Source("shipping_orders", f"""
        SELECT p.label AS period, x.*, CAST(x.paid_at AS DATE) AS day,
               x.first_handed_over_at <= x.paid_at + INTERVAL {SHIP_HOURS} HOUR AS shipped_in_time,
               x.first_handed_over_at IS NULL
                   AND x.paid_at + INTERVAL {SHIP_HOURS} HOUR > CAST(now() AS TIMESTAMP) AS pending,
               x.first_handed_over_at IS NULL AND x.status NOT IN ('paid', 'reviewed')
                   AND x.paid_at + INTERVAL {SHIP_HOURS} HOUR <= CAST(now() AS TIMESTAMP) AS unrecorded,
               coalesce(w.packed_by, w.shipped_by) AS packer_id
        FROM order_shipping x JOIN periods p ON x.paid_at >= p.start_at AND x.paid_at < p.end_at
        LEFT JOIN parcel_work w ON w.shipment_id = x.first_shipment_id
        WHERE TRUE {{span}} {{channel}}""",
           **_FILTERS, dimensions=(*DIMENSIONS, "packer_id"), span_column="x.paid_at"),
    # Parcels collected in the period (by the collection scan, else the hand-over).
    Source("collected_parcels", """
        SELECT p.label AS period, x.*, CAST(x.handed_over_at AS DATE) AS day
        FROM parcel_facts x
        JOIN periods p ON x.handed_over_at >= p.start_at AND x.handed_over_at < p.end_at
        WHERE TRUE {span} {channel}""",
           **_FILTERS, dimensions=DIMENSIONS, span_column="x.handed_over_at"),
    # Parcels delivered in the period.
    Source("delivered_parcels", """
        SELECT p.label AS period, x.*, CAST(x.delivered_at AS DATE) AS day
        FROM parcel_facts x
        JOIN periods p ON x.delivered_at >= p.start_at AND x.delivered_at < p.end_at
        WHERE TRUE {span} {channel}""",
           **_FILTERS, dimensions=DIMENSIONS, span_column="x.delivered_at"),
]

_COSTED = "cost_amount IS NOT NULL"
_WEIGHED = "cost_amount IS NOT NULL AND weight_grams > 0"

METRICS = [
    _m("ship_due_orders", _("Orders due to ship"),
       "orders paid in the period, handed over or past their 48 hours", "count",
       "shipping_orders", "count(*) FILTER (WHERE NOT pending AND NOT unrecorded)",
       notes=_("Not cancelled. Left out: orders still inside their 48 hours and not yet handed "
               "over, and orders marked shipped with no parcel hand-over on record.")),
    _m("shipped_in_48h_orders", _("Orders shipped within 48 hours"),
       "orders paid in the period whose first parcel was collected (or, without a collection "
       "scan, handed over) ≤ 48 h after payment", "count", "shipping_orders",
       "count(*) FILTER (WHERE shipped_in_time)"),
    _m("ship_pending_orders", _("Orders still inside their 48 hours"),
       "orders paid in the period, not handed over, paid less than 48 h ago", "count",
       "shipping_orders", "count(*) FILTER (WHERE pending)"),
    _m("ship_unrecorded_orders", _("Orders shipped without a hand-over record"),
       "orders paid in the period marked shipped (or later) with no parcel handed over",
       "count", "shipping_orders", "count(*) FILTER (WHERE unrecorded)"),
    _m("parcels_collected", _("Parcels collected"),
       "parcels collected in the period (collection scan, else hand-over)", "count",
       "collected_parcels", "count(*)", notes=_("Cancelled parcels never count.")),
    _m("damaged_lost_parcels", _("Parcels damaged or lost"),
       "parcels collected in the period marked damaged or lost", "count", "collected_parcels",
       "count(*) FILTER (WHERE damaged_or_lost)"),
    _m("costed_parcels", _("Parcels with a carrier charge"),
       "parcels collected in the period with a carrier charge", "count", "collected_parcels",
       f"count(*) FILTER (WHERE {_COSTED})"),
    _m("weighed_parcels", _("Parcels with a charge and a weight"),
       "parcels collected in the period with a carrier charge and a weight", "count",
       "collected_parcels", f"count(*) FILTER (WHERE {_WEIGHED})"),
    _m("logistics_cost", _("Carrier charges"),
       "Σ carrier charges of parcels collected in the period", "money", "collected_parcels",
       "coalesce(sum(cost_amount), 0)"),
    _m("weighed_cost", _("Carrier charges of weighed parcels"),
       "Σ carrier charges of parcels collected in the period with a weight", "money",
       "collected_parcels", f"coalesce(sum(cost_amount) FILTER (WHERE {_WEIGHED}), 0)"),
    _m("billed_weight_kg", _("Billed weight (kg)"),
       "Σ weight in kg of parcels collected in the period with a charge and a weight", "number",
       "collected_parcels", f"coalesce(sum(weight_kg) FILTER (WHERE {_WEIGHED}), 0)"),
    _m("costed_gmv", _("GMV of charged parcels"),
       "Σ GMV share of parcels collected in the period with a carrier charge", "money",
       "collected_parcels", f"coalesce(sum(gmv_basis) FILTER (WHERE {_COSTED}), 0)",
       notes=_("Each order's paid amount spread over its parcels by the value of the goods in "
               "each; cancelled orders carry none.")),
    _m("parcels_delivered", _("Parcels delivered"), "parcels delivered in the period", "count",
       "delivered_parcels", "count(*)"),
    _m("promised_deliveries", _("Parcels delivered with a promise"),
       "parcels delivered in the period with a promised delivery time", "count",
       "delivered_parcels", "count(*) FILTER (WHERE promised_at IS NOT NULL)"),
    _m("on_time_deliveries", _("Parcels delivered on time"),
       "parcels delivered in the period at or before their promised time", "count",
       "delivered_parcels", "count(*) FILTER (WHERE delivered_at <= promised_at)"),
    _m("unpromised_deliveries", _("Parcels delivered without a promise"),
       "parcels delivered in the period with no promised delivery time", "count",
       "delivered_parcels", "count(*) FILTER (WHERE promised_at IS NULL)"),
    # Derived.
    _m("ship_within_48h_rate", _("48-hour ship rate"),
       "orders whose first parcel was collected (or handed over without a collection scan) "
       "≤ 48 h after payment / orders paid in the period that are due", "rate",
       numerator="shipped_in_48h_orders", denominator="ship_due_orders",
       notes=_("The guides' target is at least 95 %. Orders still inside their 48 hours and "
               "orders with no hand-over on record are left out (the report says how many).")),
    _m("on_time_delivery_rate", _("On-time delivery rate"),
       "parcels delivered at or before their promised time / parcels delivered with a promise",
       "rate", numerator="on_time_deliveries", denominator="promised_deliveries",
       notes=_("Parcels without a promised time are left out (the report says how many).")),
    _m("damage_loss_rate", _("Damage and loss rate"),
       "parcels marked damaged or lost / parcels collected", "rate",
       numerator="damaged_lost_parcels", denominator="parcels_collected"),
    _m("logistics_cost_per_parcel", _("Logistics cost per parcel"),
       "Σ carrier charges / parcels collected with a charge", "money",
       numerator="logistics_cost", denominator="costed_parcels",
       notes=_("Parcels without a recorded charge are left out (the report says how many).")),
    _m("logistics_cost_per_kg", _("Logistics cost per kg"),
       "Σ carrier charges / Σ billed weight in kg, of parcels with a charge and a weight",
       "money", numerator="weighed_cost", denominator="billed_weight_kg"),
    _m("logistics_cost_share", _("Logistics cost share of GMV"),
       "Σ carrier charges / GMV of the goods in those parcels", "rate",
       numerator="logistics_cost", denominator="costed_gmv",
       notes=_("The GMV of the parcels charged: with a warehouse or carrier filter, the share "
               "of the goods they carried.")),
]
