"""The task kinds of abnormal parcels (``zhanggui.tasks``), registered by
``FulfillmentConfig.ready``; ``anomalies`` opens and closes them."""

from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.roles import Role
from zhanggui.tasks.registry import TaskKind, register_kind

PARCEL_NOT_COLLECTED = "parcel_not_collected"
TRACKING_STALLED = "tracking_stalled"
DELIVERY_FAILED = "delivery_failed"

register_kind(TaskKind(
    code=PARCEL_NOT_COLLECTED, label=_("Parcel not collected by the carrier"),
    role=Role.WAREHOUSE, sla_hours=4,
    resolutions=(("handed_over_again", _("Handed to the carrier again")),
                 ("reshipped", _("Shipped again with another carrier")))))
register_kind(TaskKind(
    code=TRACKING_STALLED, label=_("Tracking stalled"), role=Role.SERVICE, sla_hours=24,
    resolutions=(("carrier_answered", _("Carrier found the parcel")),
                 ("claim_filed", _("Claim filed with the carrier")))))
register_kind(TaskKind(
    code=DELIVERY_FAILED, label=_("Delivery failed"), role=Role.SERVICE, sla_hours=24,
    resolutions=(("redelivered", _("Delivered again")),
                 ("returned", _("Returned to the warehouse")),
                 ("claim_filed", _("Claim filed with the carrier")))))
