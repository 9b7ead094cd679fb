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
