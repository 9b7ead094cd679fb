"""Refusals of the channels app (each with a stable code for the API)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound


class ChannelNotFound(NotFound):
    code = "channel_not_found"
    default_message = _("There is no channel %(id)s.")


class ListingNotFound(NotFound):
    code = "channel_listing_not_found"
    default_message = _("There is no channel listing %(id)s.")


class ListingExists(Conflict):
    code = "channel_listing_exists"
    default_message = _("SKU %(sku)s already has a listing on %(channel)s.")


class TitleTooLong(InvalidInput):
    code = "channel_title_too_long"
    default_message = _("The title is %(bytes)d bytes; %(channel)s allows %(limit)d (a Chinese "
                        "character is 2). Shorten it before listing.")


class ChannelInactive(Conflict):
    code = "channel_inactive"
    default_message = _("Channel %(channel)s is not active: nothing can be listed on it.")


class ListingNotChangeable(InvalidTransition):
    code = "channel_listing_transition"
    default_message = _("The listing is already %(status)s.")


class InvalidChannelPrice(InvalidInput):
    code = "invalid_channel_price"
    default_message = _("A channel price must be more than 0.")
