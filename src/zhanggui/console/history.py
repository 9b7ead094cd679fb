"""An object's history from the operation log, as the console shows it: time, actor,
what was done, and each changed value before → after."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.models import OperationLog
from zhanggui.accounts.queries import list_operations_for
from zhanggui.console.formatting import channel, money
from zhanggui.core.money import MoneyField
from zhanggui.orders.models import Order

COST_PERMISSION = "catalog.view_cost"
TEMPLATE = "console/object_history.html"

ACTION_LABELS = {
    "marketing.record_campaign_results": _("campaign results computed"),
    "pricing.void_coupons": _("coupons voided"),
    "catalog.replace_product_affinities": _("bought-together lists computed"),
    "customers.replace_recommendations": _("recommendations computed"),
    "customers.replace_customer_values": _("customer value computed"),
    "insights.mine_baskets": _("baskets mined"),
    "insights.anomaly_detected": _("KPI anomaly found"),
    "insights.anomaly_updated": _("KPI anomaly measured again"),
    "insights.store_briefing": _("daily briefing built"),
    "insights.email_briefing": _("daily briefing e-mailed"),
    "insights.simulate_promotion": _("promotion simulated"),
    "accounts.create_staff": _("staff member created"),
    "accounts.deactivate_staff": _("staff member deactivated"),
    "accounts.create_api_token": _("API token created"),
    "accounts.revoke_api_token": _("API token revoked"),
    "catalog.create_product": _("product created"),
    "catalog.update_product": _("product edited"),
    "catalog.create_sku": _("SKU created"),
    "catalog.update_sku": _("SKU edited"),
    "catalog.set_listing_status": _("listing status changed"),
    "customers.create_customer": _("customer created"),
    "customers.add_address": _("address added"),
    "inventory.receive_stock": _("stock received"),
    "inventory.adjust_stock": _("stock adjusted"),
    "orders.place_order": _("order placed"),
    "orders.reconcile_flash_sale": _("flash-sale counters reconciled"),
    "orders.record_payment": _("payment received"),
    "orders.record_payment_failure": _("payment failed"),
    "orders.review_order": _("order reviewed"),
    "orders.cancel_order": _("order cancelled"),
    "orders.close_unpaid_order": _("closed unpaid"),
    "orders.mark_shipped": _("order shipped"),
    "orders.mark_delivered": _("order delivered"),
    "orders.complete_order": _("order completed"),
    "orders.apply_refund": _("refund applied to the order"),
    "orders.hold_order": _("held by review rules"),
    "orders.release_hold": _("review hold released"),
    "orders.update_recipient": _("recipient changed"),
    "orders.update_seller_note": _("seller note changed"),
    "orders.payment_callback": _("payment callback received"),
    "orders.block_buyer": _("buyer blocked"),
    "orders.unblock_buyer": _("buyer unblocked"),
    "orders.update_blocked_buyer": _("block-list entry edited"),
    "orders.create_review_rule": _("review rule created"),
    "orders.update_review_rule": _("review rule edited"),
    "fulfillment.ship_order": _("parcel shipped"),
    "fulfillment.ship_shipment": _("parcel shipped"),
    "fulfillment.record_tracking": _("tracking event recorded"),
    "fulfillment.allocate_orders": _("parcels made of reviewed orders"),
    "fulfillment.merge_shipments": _("parcels merged"),
    "fulfillment.split_shipment": _("parcel split"),
    "fulfillment.drop_cancelled_orders": _("cancelled order taken out of the parcel"),
    "fulfillment.open_supplier_order": _("supplier order opened"),
    "fulfillment.reprice_supplier_order": _("supplier order re-priced"),
    "fulfillment.cancel_supplier_order": _("supplier order cancelled"),
    "fulfillment.accept_supplier_order": _("supplier order accepted"),
    "fulfillment.ship_supplier_order": _("supplier order shipped"),
    "fulfillment.export_supplier_orders": _("supplier orders exported"),
    "fulfillment.view_supplier_order_recipient": _("recipient looked up"),
    "inventory.sync_stock_feed": _("stock feed applied"),
    "inventory.reject_stock_feed": _("stock feed refused"),
    "marketing.record_ad_spend": _("ad spend entered"),
    "marketing.update_ad_spend": _("ad spend changed"),
    "marketing.delete_ad_spend": _("ad spend deleted"),
    "fulfillment.mark_delivered": _("parcel delivered"),
    "fulfillment.build_wave": _("wave built"),
    "fulfillment.confirm_picked": _("wave picked"),
    "fulfillment.remove_from_wave": _("parcel taken out of its wave"),
    "fulfillment.cancel_wave": _("wave cancelled"),
    "fulfillment.scan_refused": _("scan refused at packing"),
    "fulfillment.finish_packing": _("parcel packed"),
    "fulfillment.unpack": _("parcel unpacked"),
    "fulfillment.assign_tracking_numbers": _("tracking numbers assigned"),
    "fulfillment.set_tracking_number": _("tracking number entered"),
    "fulfillment.print_label": _("shipping label printed"),
    "aftersales.request": _("after-sales request opened"),
    "aftersales.approve": _("after-sales request approved"),
    "aftersales.reject": _("after-sales request rejected"),
    "aftersales.receive_return": _("returned goods received"),
    "aftersales.complete_exchange": _("exchange completed"),
    "aftersales.refunded": _("after-sales request refunded"),
    "aftersales.issue_refund": _("refund issued"),
    "listing.audit_product": _("listing checks run"),
    "listing.override_listing_block": _("listed despite blocking findings"),
    "listing.audit_catalog": _("catalog listing audit"),
    "listing.queue_audit_run": _("catalog listing audit queued"),
    "suppliers.create_purchase_order": _("purchase order created"),
    "suppliers.update_purchase_order_lines": _("purchase order lines edited"),
    "suppliers.send_purchase_order": _("purchase order sent"),
    "suppliers.receive_purchase_order": _("goods received against the purchase order"),
    "suppliers.close_purchase_order": _("purchase order closed"),
    "suppliers.cancel_purchase_order": _("purchase order cancelled"),
    "suppliers.record_supplier_message": _("supplier message recorded"),
}
GENERIC_VERBS = {"create": _("%(model)s created"), "update": _("%(model)s edited"),
                 "delete": _("%(model)s deleted"), "start": _("%(model)s started"),
                 "stop": _("%(model)s stopped"), "prepare": _("%(model)s prepared"),
                 "send": _("%(model)s sent"), "cancel": _("%(model)s cancelled"),
                 "close": _("%(model)s closed"), "resolve": _("%(model)s resolved"),
                 "reopen": _("%(model)s reopened"), "assign": _("%(model)s assigned"),
                 "rate": _("%(model)s rated")}
KEY_LABELS = {"lines": _("lines"), "reason": _("reason"), "order": _("order"),
              "dispositions": _("dispositions"), "sessions_ended": _("sessions ended"),
              "tokens_revoked": _("tokens revoked"), "roles": _("roles"),
              "score": _("quality score"), "blocking": _("blocking"), "warnings": _("warnings"),
              "line_costs": _("unit costs"),
              "freight_cost": _("freight and other landed costs"),
              # campaigns: what preparing, sending and the results run did
              "added": _("recipients added"), "held_out": _("held out"),
              "coupons_issued": _("coupons issued"), "recipients": _("recipients"),
              "queued": _("messages queued"), "skipped": _("skipped"),
              "send_after": _("not before"), "campaigns": _("campaigns"),
              "results": _("results written"), "deleted": _("results deleted"),
              "computed_at": _("computed at")}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    subject: str
    changes: list[Change]
    note: str


def action_label(code: str) -> str:
    """The translated name of an operation-log action code, e.g. 审单 for orders.review_order."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    verb, _sep, model_name = code.partition(".")[2].partition("_")
    model = _model_named(code.partition(".")[0], model_name)
    if verb in GENERIC_VERBS and model is not None:
        return str(GENERIC_VERBS[verb]) % {"model": model._meta.verbose_name}
    return code


def _model_named(app_label: str, model_name: str) -> type[Model] | None:
    try:
        return apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return None


def object_type_name(object_type: str) -> str:
    """``订单`` for ``orders.order``: the model's name for an operation-log object type."""
    model = _model_of(object_type)
    return str(model._meta.verbose_name) if model else object_type


def _model_of(object_type: str) -> type[Model] | None:
    app_label, _sep, model_name = object_type.partition(".")
    return _model_named(app_label, model_name)


def _show(model: type[Model] | None, key: str, value, currency: str | None,
          names: dict[str, str]) -> str:
    if value is None or value == "":
        return "—"
    if key == "channel":
        return channel(value)
    field = _field(model, key)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    # Money by name or field; other decimals (rates, α, multipliers) stay plain numbers.
    if key.endswith("amount") or isinstance(field, MoneyField):
        try:
            return money(Decimal(str(value)), currency)
        except InvalidOperation:
            return str(value)
    if isinstance(value, dict):  # e.g. lines: {SKU code or order-line id: units}
        return "，".join(f"{names.get(str(k), k)} × {v}" for k, v in value.items())
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def _field(model: type[Model] | None, key: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(key.removesuffix("_id"))
    except FieldDoesNotExist:
        return None
    return field if field.concrete else None  # not a reverse relation such as order.lines


def _label(model: type[Model] | None, key: str) -> str:
    field = _field(model, key)
    if field is not None:
        return str(field.verbose_name)
    return str(KEY_LABELS.get(key, key))


def _shown_keys(before: dict, after: dict, hide_cost: bool) -> list[str]:
    """Changed keys only; on creation, only keys with a value; cost keys when allowed."""
    keys = []
    for key in dict.fromkeys([*before, *after]):
        unchanged = key in before and before[key] == after.get(key)
        empty_new = key not in before and after.get(key) in ("", None, [], {})
        if not unchanged and not empty_new and not (hide_cost and "cost" in key):
            keys.append(key)
    return keys


def present(entry: OperationLog, viewer, currency: str | None = None,
            names: dict[str, str] | None = None) -> HistoryEntry:
    """One log entry as the viewer may see it (cost values left out without ``view_cost``).

    ``names`` turns ids in the values into names, e.g. order-line id → SKU code.
    """
    model = _model_of(entry.object_type)
    before, after, names = entry.before or {}, entry.after or {}, names or {}
    keys = _shown_keys(before, after, hide_cost=not viewer.has_perm(COST_PERMISSION))
    changes = [Change(_label(model, k),
                      _show(model, k, before[k], currency, names) if k in before else "",
                      _show(model, k, after.get(k), currency, names)) for k in keys]
    actor = str(entry.actor) if entry.actor_id else str(_("system"))
    return HistoryEntry(at=entry.created_at, actor=actor, action=action_label(entry.action),
                        subject=f"{model._meta.verbose_name if model else entry.object_type} "
                                f"{entry.object_repr}",
                        changes=changes, note=entry.note)


def object_history(obj: Model, viewer, currency: str | None = None,
                   names: dict[str, str] | None = None) -> list[HistoryEntry]:
    """The log entries of one object, oldest first, as ``viewer`` may see them."""
    entries = list_operations_for(obj._meta.label_lower, [str(obj.pk)])
    return [present(entry, viewer, currency, names) for entry in entries]


def order_history(order: Order, viewer) -> list[HistoryEntry]:
    """The order's log entries with those of its shipments, after-sales requests and refunds."""
    related = {
        "orders.order": [order.pk],
        "fulfillment.shipment": order.shipments.values_list("pk", flat=True),
        "aftersales.aftersalesrequest": order.aftersales_requests.values_list("pk", flat=True),
        "aftersales.refund": order.refunds.values_list("pk", flat=True),
    }
    entries: list[OperationLog] = []
    for object_type, ids in related.items():
        object_ids = [str(pk) for pk in ids]
        if object_ids:
            entries.extend(list_operations_for(object_type, object_ids))
    entries.sort(key=lambda e: (e.created_at, e.pk))
    line_names = {str(pk): code for pk, code in order.lines.values_list("pk", "sku_code")}
    return [present(e, viewer, order.currency, line_names) for e in entries]
