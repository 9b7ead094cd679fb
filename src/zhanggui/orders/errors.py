from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput, InvalidTransition  # noqa: F401


class EmptyOrder(InvalidInput):
    code = "empty_order"
    default_message = _("An order needs at least one line.")


class SkuNotSellable(Conflict):
    code = "sku_not_sellable"
    default_message = _("SKU %(sku)s is not for sale.")


class InvalidPaymentAmount(InvalidInput):
    code = "invalid_payment_amount"
    default_message = _("The payment of %(amount)s does not match the amount payable %(expected)s.")


class FailureReasonRequired(InvalidInput):
    code = "failure_reason_required"
    default_message = _("A failed payment needs a failure reason.")


class RefundFirst(Conflict):
    code = "refund_first"
    default_message = _("The order is paid: refund it in full (after-sales) before cancelling.")


class RefundExceedsPaid(Conflict):
    code = "refund_exceeds_paid"
    default_message = _("Refund %(amount)s exceeds what can still be refunded (%(refundable)s).")


class AmountTooLarge(InvalidInput):
    code = "amount_too_large"
    default_message = _("The order's amounts exceed %(limit)s, the most an amount can be.")


class InvalidAmount(InvalidInput):
    code = "invalid_amount"
    default_message = _("Amounts must not be negative and discounts not exceed the goods total.")
