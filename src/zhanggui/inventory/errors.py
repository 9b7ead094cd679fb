from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    default_message = _("Not enough stock for %(sku)s: %(requested)s requested, %(available)s available.")


class InvalidQuantity(InvalidInput):
    code = "invalid_quantity"
    default_message = _("The quantity must be a positive whole number.")


class NegativeStock(Conflict):
    code = "negative_stock"
    default_message = _("The change would leave %(sku)s with less on hand than is reserved.")


class ReasonRequired(InvalidInput):
    code = "reason_required"
    default_message = _("A reason is required for this stock change.")


class ReservationMismatch(Conflict):
    code = "reservation_mismatch"
    default_message = _("No active reservation matches %(reference)s.")


class NotDropShipWarehouse(Conflict):
    code = "not_drop_ship_warehouse"
    default_message = _("Warehouse %(warehouse)s is not a supplier's drop-ship warehouse: only "
                        "those take a stock feed.")


class NotYourWarehouse(Conflict):
    code = "not_your_warehouse"
    default_message = _("A supplier account may sync only its own supplier's warehouse.")
    http_status = 403


class FeedRejected(InvalidInput):
    """Some rows of a stock feed are bad; nothing was applied. ``errors`` lists them (line,
    SKU code, message)."""

    code = "feed_rejected"
    default_message = _("%(count)s rows of the stock feed are bad: nothing was applied.")

    def __init__(self, errors: list[dict], **params):
        self.errors = errors
        super().__init__(count=len(errors), **params)
