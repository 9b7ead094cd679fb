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


class InvalidRuleParams(InvalidInput):
    code = "invalid_rule_params"
    default_message = _("Rule parameter %(field)s: %(problem)s.")


class OrderHeld(Conflict):
    code = "order_held"
    default_message = _("Order %(number)s is held by %(count)d review rule(s): release the holds "
                        "first.")


class HoldAlreadyReleased(Conflict):
    code = "hold_already_released"
    default_message = _("This hold was already released.")


class RecipientLocked(Conflict):
    code = "recipient_locked"
    default_message = _("The recipient can be changed only on a paid or reviewed order not yet "
                        "shipped (the order is %(status)s).")


class BlockEntryEmpty(InvalidInput):
    code = "block_entry_empty"
    default_message = _("A block-list entry needs a customer or a phone number.")


class BlockEntryExists(Conflict):
    code = "block_entry_exists"
    default_message = _("This customer or phone number is already on the block list.")


class CallbackRefused(Conflict):
    """A payment callback that cannot be applied; ``code`` says why."""

    code = "payment_callback_refused"
    default_message = _("The payment callback cannot be applied.")


class CallbackOrderUnknown(CallbackRefused):
    code = "callback_order_unknown"
    http_status = 404
    default_message = _("No order has the number %(number)s.")


class CallbackOrderDead(CallbackRefused):
    code = "callback_order_dead"
    default_message = _("Order %(number)s is %(status)s: money arrived for an order that can no "
                        "longer be paid.")


class CallbackAmountMismatch(CallbackRefused):
    code = "callback_amount_mismatch"
    default_message = _("The callback's amount %(amount)s does not match the amount payable "
                        "%(expected)s of order %(number)s.")


class CallbackNotApplicable(CallbackRefused):
    code = "callback_not_applicable"
    default_message = _("Order %(number)s is %(status)s: the payment cannot be recorded.")


class UnknownProvince(InvalidInput):
    code = "unknown_province"
    default_message = _("There is no province with the code %(code)s.")
