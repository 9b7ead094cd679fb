"""Refusals of the suppliers app (each with a stable code for the API)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class NotSuppliedBySupplier(InvalidInput):
    code = "sku_not_supplied"
    default_message = _("Supplier %(supplier)s does not supply SKU %(sku)s.")


class InvalidOrderQuantity(InvalidInput):
    code = "invalid_po_quantity"
    default_message = _("Each line needs a whole quantity of at least 1 (SKU %(sku)s).")


class EmptyPurchaseOrder(InvalidInput):
    code = "empty_purchase_order"
    default_message = _("A purchase order needs at least one line.")


class DuplicatePurchaseLine(InvalidInput):
    code = "duplicate_po_line"
    default_message = _("SKU %(sku)s appears twice: put its units on one line.")


class InvalidUnitCost(InvalidInput):
    code = "invalid_unit_cost"
    default_message = _("A unit cost must be an amount of at least 0 (SKU %(sku)s).")


class SupplierInactive(Conflict):
    code = "supplier_inactive"
    default_message = _("Supplier %(supplier)s is not active.")


class WarehouseNotReceiving(InvalidInput):
    code = "warehouse_not_receiving"
    default_message = _("Warehouse %(warehouse)s cannot receive purchase orders.")


class PurchaseOrderState(Conflict):
    code = "po_wrong_state"
    default_message = _("Purchase order %(number)s is %(status)s: %(action)s is not possible.")


class CancelReasonRequired(InvalidInput):
    code = "cancel_reason_required"
    default_message = _("A reason is required to cancel a purchase order.")


class OverReceipt(Conflict):
    code = "over_receipt"
    default_message = _("%(sku)s: %(accepted)s accepted but only %(open)s still open. "
                        "Accepting more than ordered needs an over-receipt.")


class OverReceiptNotAllowed(Conflict):
    code = "over_receipt_not_allowed"
    default_message = _("Only the owner or finance may accept more than was ordered.")


class RejectReasonRequired(InvalidInput):
    code = "reject_reason_required"
    default_message = _("%(sku)s: rejected units need a reason.")


class InvalidReceiptLine(InvalidInput):
    code = "invalid_receipt_line"
    default_message = _("Receipt line %(line)s is not a line of this purchase order or has "
                        "negative quantities.")


class EmptyReceipt(InvalidInput):
    code = "empty_receipt"
    default_message = _("A receipt needs at least one unit accepted, rejected or short.")


class InvalidFreight(InvalidInput):
    code = "invalid_freight"
    default_message = _("Freight and other landed costs must be an amount of at least 0.")


class InvalidSupplierData(InvalidInput):
    code = "invalid_supplier_data"
    default_message = _("The supplier data is not valid: %(problems)s")


class DuplicateSupplierCode(Conflict):
    code = "duplicate_supplier_code"
    default_message = _("Supplier code %(code)s is already used.")


class DuplicateSupplierItem(Conflict):
    code = "duplicate_supplier_item"
    default_message = _("Supplier %(supplier)s already has an item for SKU %(sku)s.")
