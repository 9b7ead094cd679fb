"""What the warehouse copies of who did the warehouse's work, for the team's KPIs: each
parcel's packer and shipper (``parcel_work``) and every scan at the packing bench, accepted
or refused (``pack_scans``). Staff ids only, never names or codes scanned.

Modes, as ``extract``'s (``extract.EXTRACTS`` lists these after its own): ``parcel_work`` by
the parcel's ``updated_at`` (every action that packs or ships a parcel saves it);
``pack_scans`` append-only, by id. Tables of their own (not columns of ``shipments``) so that
an incremental refresh of a warehouse built before them simply adds them.
"""

from zhanggui.analytics.extract import TS, Extract

PARCEL_WORK = Extract(
    table="parcel_work", key="shipment_id", mode="by_updated_at", watermark="s.updated_at",
    select="""SELECT s.id, s.warehouse_id, s.status, s.packed_by_id, s.packed_at,
                     s.shipped_by_id, s.shipped_at, s.updated_at
              FROM fulfillment_shipment s""",
    columns=(("shipment_id", "BIGINT"), ("warehouse_id", "BIGINT"), ("status", "VARCHAR"),
             ("packed_by", "BIGINT"), ("packed_at", TS), ("shipped_by", "BIGINT"),
             ("shipped_at", TS), ("updated_at", TS)),
)
PACK_SCANS = Extract(
    table="pack_scans", key="scan_id", mode="by_id", watermark="p.id",
    select="""SELECT p.id, p.shipment_id, p.accepted, p.refusal, p.scanned_by_id, p.scanned_at
              FROM fulfillment_packscan p""",
    columns=(("scan_id", "BIGINT"), ("shipment_id", "BIGINT"), ("accepted", "BOOLEAN"),
             ("refusal", "VARCHAR"), ("scanned_by", "BIGINT"), ("scanned_at", TS)),
)

STAFF_EXTRACTS = (PARCEL_WORK, PACK_SCANS)
