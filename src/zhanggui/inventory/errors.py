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
