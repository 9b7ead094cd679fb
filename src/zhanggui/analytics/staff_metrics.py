"""The warehouse staff's part of the metric registry (``metrics`` adds these to ``SOURCES``
and ``METRICS``): GLOSSARY ``pick_accuracy`` per packer, with the counts it stands on.

``packed_parcels`` reads ``parcel_work`` (``extract_staff``): the parcels packed in the
period (not cancelled), each with its lines and its refused scans at the packing bench
(wrong item, too many). A refused scan belongs to the parcel, not to a line (a wrong item
is, by definition, none of its lines), so a parcel with one counts none of its lines as
clean. Grouped by ``packer_id`` (who packed it) or ``warehouse_id``.

The 48-hour ship rate per staff member is the logistics source's (``shipping_orders``)
grouped by its ``packer_id``: the packer of the order's first parcel, else its shipper.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics.metric_types import Source
from zhanggui.analytics.metric_types import metric as _m

SOURCES = [
    Source("packed_parcels", """
        SELECT p.label AS period, x.shipment_id, x.warehouse_id, x.packed_by AS packer_id,
               CAST(x.packed_at AS DATE) AS day,
               (SELECT count(*) FROM shipment_lines sl WHERE sl.shipment_id = x.shipment_id) AS lines,
               (SELECT count(*) FROM pack_scans ps
                WHERE ps.shipment_id = x.shipment_id AND NOT ps.accepted) AS wrong_scans
        FROM parcel_work x JOIN periods p ON x.packed_at >= p.start_at AND x.packed_at < p.end_at
        WHERE x.status <> 'cancelled' {span}""",
           warehouse="AND x.warehouse_id = $warehouse",
           dimensions=("packer_id", "warehouse_id", "day"), span_column="x.packed_at"),
]

METRICS = [
    _m("lines_packed", _("Lines packed"), "Σ lines of parcels packed in the period", "count",
       "packed_parcels", "coalesce(sum(lines), 0)", notes=_("Cancelled parcels never count.")),
    _m("clean_lines_packed", _("Lines packed without a wrong scan"),
       "Σ lines of parcels packed in the period with no refused scan", "count",
       "packed_parcels", "coalesce(sum(lines) FILTER (WHERE wrong_scans = 0), 0)"),
    _m("wrong_pack_scans", _("Wrong scans at packing"),
       "refused scans (wrong item, too many) of parcels packed in the period", "count",
       "packed_parcels", "coalesce(sum(wrong_scans), 0)"),
    _m("pick_accuracy", _("Pick accuracy"),
       "lines packed with no wrong scan / lines packed", "rate",
       numerator="clean_lines_packed", denominator="lines_packed",
       notes=_("A refused scan at the packing bench (wrong item, too many) marks every line of "
               "its parcel as not clean: the scan names no line of the parcel.")),
]
