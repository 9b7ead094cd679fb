from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput, NotFound


class InvalidOffer(InvalidInput):
    code = "invalid_offer"
    default_message = _("The offer is not valid: %(problem)s.")


class CouponNotFound(NotFound):
    code = "coupon_not_found"
    default_message = _("Coupon %(code)s does not exist.")


class CouponNotUsable(Conflict):
    code = "coupon_not_usable"
    default_message = _("Coupon %(code)s cannot be used: %(problem)s.")


class CouponsExhausted(Conflict):
    code = "coupons_exhausted"
    default_message = _("No more coupons can be issued from %(template)s.")


class RegionNotShipped(Conflict):
    code = "region_not_shipped"
    default_message = _("The shop does not ship to %(province)s.")


class OfferLimitReached(Conflict):
    code = "offer_limit_reached"
    default_message = _("The offer %(offer)s changed meanwhile (budget or stock cap); "
                        "price the cart again.")


class NotForPoints(Conflict):
    code = "not_for_points"
    default_message = _("Coupon template %(template)s cannot be exchanged for points.")
