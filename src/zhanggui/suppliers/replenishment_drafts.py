"""Turn rows of the reorder list into draft purchase orders in one action.

``draft_purchase_orders`` takes the selected SKU × warehouse pairs, recomputes today's list
for them (quantities come from the current suggestion, never from the caller), and creates
one draft PO per supplier × warehouse through ``actions.create_purchase_order`` (source
"reorder suggestion"), all in one transaction: every draft or none.

No double drafts: a pair whose SKU is already on an open draft PO into that warehouse is
refused (``AlreadyInDraft``, naming the draft) and nothing is created — edit that draft
instead. Drafts count as "on order", so once drafted a row leaves the list. Two people
pressing the button at once are serialised on the supply policy row's lock (the same lock
PO numbers are given under), so the second sees the first's drafts and is refused.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.core.errors import Conflict, InvalidInput
from zhanggui.inventory.models import Warehouse
from zhanggui.suppliers import actions, queries
from zhanggui.suppliers.models import PurchaseOrder, PurchaseOrderSource
from zhanggui.suppliers.replenishment import (
    group_by_supplier_warehouse,
    open_drafts,
    reorder_list,
    suppliers_by_id,
)

MAX_SELECTION = 5000


class EmptyReorderSelection(InvalidInput):
    code = "empty_reorder_selection"
    default_message = _("Select at least one row of the reorder list.")


class SelectionTooLarge(InvalidInput):
    code = "reorder_selection_too_large"
    default_message = _("Select at most %(limit)s rows at once.")


class NotToReorder(Conflict):
    code = "not_to_reorder"
    default_message = _("Not on today's reorder list (any more): %(pairs)s. Reload the list.")


class NoSupplierItem(Conflict):
    code = "no_supplier_item"
    default_message = _("No active supplier supplies %(skus)s: add a supplier item first.")


class AlreadyInDraft(Conflict):
    code = "already_in_draft"
    default_message = _("Already on a draft purchase order: %(pairs)s. Edit that draft instead.")


def parse_selection(values: Iterable[str]) -> list[tuple[int, int]]:
    """``"<SKU id>:<warehouse id>"`` strings → unique (SKU id, warehouse id) pairs, in order.

    Raises:
        EmptyReorderSelection: a value is not of that form (the whole selection is refused).
    """
    pairs: list[tuple[int, int]] = []
    for value in values:
        sku, sep, warehouse = str(value).partition(":")
        if not sep or not sku.isdigit() or not warehouse.isdigit():
            raise EmptyReorderSelection()
        pair = (int(sku), int(warehouse))
        if pair not in pairs:
            pairs.append(pair)
    return pairs


def _label(rows_or_pairs, codes: dict[int, str], warehouses: dict[int, str]) -> str:
    return ", ".join(f"{codes.get(s, s)}@{warehouses.get(w, w)}" for s, w in rows_or_pairs)


@transaction.atomic
def draft_purchase_orders(selection: Iterable[tuple[int, int]], *,
                          actor: Staff | None) -> list[PurchaseOrder]:
    """Create one draft PO per supplier × receiving warehouse for the selected rows of
    today's reorder list, with the suggested quantities (whole packs, at least the MOQ).

    Args:
        selection: (SKU id, warehouse id) pairs, each a row of today's list.

    Returns:
        The drafts, ordered by supplier code then warehouse code.

    Raises:
        EmptyReorderSelection: nothing selected.
        SelectionTooLarge: more than 5,000 rows.
        AlreadyInDraft: a pair's SKU is already on an open draft PO into that warehouse.
        NotToReorder: a pair is not (or no longer) on the list.
        NoSupplierItem: a pair's SKU has no active supplier item.
        (and ``create_purchase_order``'s refusals). Nothing is created on any refusal.
    """
    pairs = list(dict.fromkeys((int(s), int(w)) for s, w in selection))
    if not pairs:
        raise EmptyReorderSelection()
    if len(pairs) > MAX_SELECTION:
        raise SelectionTooLarge(limit=MAX_SELECTION)
    # Serialise drafting: whoever holds the policy row's lock sees every earlier draft.
    queries.lock_policy()
    codes = dict(Sku.objects.filter(pk__in={s for s, _w in pairs}).values_list("pk", "code"))
    warehouse_codes = dict(Warehouse.objects.filter(pk__in={w for _s, w in pairs})
                           .values_list("pk", "code"))
    drafted = open_drafts(pairs)
    if drafted:
        raise AlreadyInDraft(pairs=", ".join(
            f"{_label([pair], codes, warehouse_codes)} ({number})"
            for pair, number in sorted(drafted.items())))
    today = {(row.sku_id, row.warehouse_id): row
             for row in reorder_list(sku_ids={s for s, _w in pairs}).rows}
    missing = [pair for pair in pairs if pair not in today]
    if missing:
        raise NotToReorder(pairs=_label(missing, codes, warehouse_codes))
    rows = [today[pair] for pair in pairs]
    unsupplied = [row.sku_code for row in rows if row.supplier_id is None]
    if unsupplied:
        raise NoSupplierItem(skus=", ".join(unsupplied))
    skus = {sku.pk: sku for sku in Sku.objects.filter(pk__in={row.sku_id for row in rows})}
    warehouses = {w.pk: w for w in Warehouse.objects.filter(pk__in={r.warehouse_id for r in rows})}
    groups = group_by_supplier_warehouse(rows)
    suppliers = suppliers_by_id(supplier_id for supplier_id, _w in groups)
    drafts = []
    for (supplier_id, warehouse_id), group in sorted(
            groups.items(), key=lambda item: (suppliers[item[0][0]].code,
                                              warehouses[item[0][1]].code)):
        drafts.append(actions.create_purchase_order(
            suppliers[supplier_id], warehouse=warehouses[warehouse_id],
            lines=[(skus[row.sku_id], row.suggested_quantity) for row in group], actor=actor,
            source=PurchaseOrderSource.REPLENISHMENT,
            note=str(_("From the reorder list of %(day)s.") % {"day": timezone.localdate()})))
    return drafts
