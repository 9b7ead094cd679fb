from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class TrackingNumberRequired(InvalidInput):
    code = "tracking_number_required"
    default_message = _("A carrier and a tracking number are required to ship.")


class DuplicateTrackingNumber(Conflict):
    code = "duplicate_tracking_number"
    default_message = _("Tracking number %(tracking_number)s is already used.")


class AlreadyDelivered(Conflict):
    code = "already_delivered"
    default_message = _("The shipment is already delivered.")


class ParcelNotWaiting(Conflict):
    code = "parcel_not_waiting"
    default_message = _("Parcel %(parcel)s is %(status)s: only parcels still waiting to be picked "
                        "can be merged, split or moved.")


class CannotMerge(Conflict):
    code = "cannot_merge"
    default_message = _("These parcels cannot be merged: %(reason)s")


class InvalidSplit(InvalidInput):
    code = "invalid_split"
    default_message = _("A split moves between one unit and all but one unit of the parcel's "
                        "lines to a new parcel.")


class ParcelsShipSeparately(Conflict):
    code = "parcels_ship_separately"
    default_message = _("Order %(order)s leaves in %(count)s parcels: ship them one by one.")


class NothingToShip(Conflict):
    code = "nothing_to_ship"
    default_message = _("Order %(order)s has no parcel waiting to be shipped.")


class ParcelNotShippable(Conflict):
    code = "parcel_not_shippable"
    default_message = _("Parcel %(parcel)s is %(status)s and cannot be shipped.")


# ---- carriers, rate cards, waybill ranges, tracking (carriers.py, tracking.py) ----------

class InvalidCarrierService(InvalidInput):
    code = "invalid_carrier_service"
    default_message = _("A carrier service needs a name and at least one promised day.")


class DuplicateCarrierService(Conflict):
    code = "duplicate_carrier_service"
    default_message = _("The shop already has a %(level)s service of %(carrier)s.")


class DefaultServiceInactive(InvalidInput):
    code = "default_service_inactive"
    default_message = _("The shop's default carrier service must be active.")


class UnknownProvince(InvalidInput):
    code = "unknown_province"
    default_message = _("There is no province with code %(code)s.")


class InvalidRateFee(InvalidInput):
    code = "invalid_rate_fee"
    default_message = _("Rate card fees cannot be negative.")


class InvalidRateWeight(InvalidInput):
    code = "invalid_rate_weight"
    default_message = _("Rate card weights must be more than 0 g.")


class ProvinceInTwoRows(InvalidInput):
    code = "province_in_two_rows"
    default_message = _("Province %(code)s is in more than one rate card row.")


class TwoDefaultRateRows(InvalidInput):
    code = "two_default_rate_rows"
    default_message = _("Only one rate card row may cover every other province.")


class InvalidWeight(InvalidInput):
    code = "invalid_weight"
    default_message = _("The weight must be more than 0 g.")


class ServiceDoesNotReach(InvalidInput):
    code = "service_does_not_reach"
    default_message = _("%(service)s has no rate for province %(province)s.")


class InvalidWaybillRange(InvalidInput):
    code = "invalid_waybill_range"
    default_message = _("The last waybill number must not be below the first, and both must "
                        "fit in %(digits)s digits.")


class WaybillRangeBackwards(Conflict):
    code = "waybill_range_backwards"
    default_message = _("The range starts at %(first)s, below the next unused number %(next)s "
                        "of the range already loaded.")


class WaybillRangeOverlaps(Conflict):
    code = "waybill_range_overlaps"
    default_message = _("The range overlaps waybill numbers already given to %(other)s.")


class InvalidTrackingEvents(InvalidInput):
    """Some events of a batch are not valid; ``rows`` holds ``(index, code, message)`` for
    each problem (index from 0 for the API, the file's line number for a file)."""

    code = "invalid_tracking_events"
    default_message = _("%(count)d tracking event(s) are not valid; nothing was recorded.")

    def __init__(self, rows: list[tuple[int, str, str]]):
        self.rows = rows
        super().__init__(count=len(rows))


class ShipmentNotInFlight(Conflict):
    code = "shipment_not_in_flight"
    default_message = _("Only a parcel handed to the carrier can get tracking events "
                        "(this one is %(status)s).")


# ---- drop-ship supplier orders (fulfillment.dropship) ---------------------------------------

class SupplierOrderClosed(Conflict):
    code = "supplier_order_closed"
    default_message = _("Supplier order %(number)s is %(status)s: it can no longer be accepted "
                        "or shipped.")


class NotSupplierAccount(Conflict):
    code = "not_supplier_account"
    default_message = _("Supplier order %(number)s belongs to another supplier.")
    http_status = 403
