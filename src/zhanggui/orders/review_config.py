"""Writes of the review set-up: the rules (data, ordered, on/off, parameters) and the block
list of buyers."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _t

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.core.crypto import phone_index
from zhanggui.customers import rules as customer_rules
from zhanggui.customers.models import Customer
from zhanggui.orders import review_params, review_rules
from zhanggui.orders.errors import BlockEntryEmpty, BlockEntryExists, InvalidRuleParams
from zhanggui.orders.models import BlockedBuyer, ReviewRule

RULE_FIELDS = ("kind", "name", "position", "is_active", "params")

_UNSET = object()


@transaction.atomic
def create_rule(kind: str, *, name: str, actor: Staff | None, params: dict | None = None,
                is_active: bool = True, position: int | None = None) -> ReviewRule:
    """Add a rule of ``kind`` (at the end unless ``position`` is given).

    Raises:
        InvalidRuleParams: an unknown kind, a blank name or parameters its kind refuses.
    """
    cleaned = review_rules.validate_params(kind, params)
    name = _name(name)
    if position is None:
        last = ReviewRule.objects.order_by("-position").values_list("position", flat=True).first()
        position = (last or 0) + 10
    rule = ReviewRule.objects.create(kind=kind, name=name, params=cleaned, is_active=is_active,
                                     position=position)
    log_operation(rule, action="orders.create_review_rule", actor=actor,
                  after=snapshot(rule, RULE_FIELDS))
    return rule


@transaction.atomic
def seed_default_rules() -> int:
    """Write the default rules (``review_params.DEFAULT_RULES``) when there are none: what
    the data migration seeded, restored into a flushed database (the demo's reset, the tests
    after a transactional test). Like the migration it writes no operation log. Returns how
    many were written."""
    if ReviewRule.objects.select_for_update().exists():
        return 0
    ReviewRule.objects.bulk_create([
        ReviewRule(kind=kind, name=name, is_active=active, position=(index + 1) * 10,
                   params=review_rules.validate_params(kind, params))
        for index, (kind, name, active, params) in enumerate(review_params.DEFAULT_RULES)])
    return len(review_params.DEFAULT_RULES)


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidRuleParams(field="name", problem=_t("must not be blank"))
    return name[:80]


@transaction.atomic
def update_rule(rule: ReviewRule, *, actor: Staff | None, name=_UNSET, is_active=_UNSET,
                position=_UNSET, params=_UNSET) -> ReviewRule:
    """Change a rule's name, on/off switch, position or parameters (validated for its kind;
    parameters not given keep their value). Takes effect at the next evaluation.

    Raises:
        InvalidRuleParams: parameters the rule's kind refuses, or a blank name.
    """
    rule = ReviewRule.objects.select_for_update().get(pk=rule.pk)
    before = snapshot(rule, RULE_FIELDS)
    if params is not _UNSET:
        rule.params = review_rules.validate_params(rule.kind, {**rule.params, **(params or {})})
    if name is not _UNSET:
        rule.name = _name(name)
    if is_active is not _UNSET:
        rule.is_active = bool(is_active)
    if position is not _UNSET:
        if not isinstance(position, int) or position < 0:
            raise InvalidRuleParams(field="position", problem=_t("a whole number of at least 0"))
        rule.position = position
    rule.save()
    log_operation(rule, action="orders.update_review_rule", actor=actor, before=before,
                  after=snapshot(rule, RULE_FIELDS))
    return rule


# ---- block list ----------------------------------------------------------------------------


def _masked_entry(entry: BlockedBuyer) -> dict:
    return {"customer": entry.customer_id, "phone": customer_rules.mask_phone(entry.phone),
            "reason": entry.reason}


@transaction.atomic
def block_buyer(*, reason: str, actor: Staff | None, customer: Customer | None = None,
                phone: str = "") -> BlockedBuyer:
    """Put a customer, a phone number (however formatted) or both on the block list.

    Raises:
        BlockEntryEmpty: neither a customer nor a phone number.
        BlockEntryExists: the customer or the number is on the list already.
    """
    phone = (phone or "").strip()
    digest = phone_index(phone)
    if customer is None and not digest:
        raise BlockEntryEmpty()
    clash = Q(pk__in=[])
    if customer is not None:
        clash |= Q(customer=customer)
    if digest:
        clash |= Q(phone_index=digest)
    if BlockedBuyer.objects.filter(clash).exists():
        raise BlockEntryExists()
    try:
        with transaction.atomic():
            entry = BlockedBuyer.objects.create(customer=customer, phone=phone,
                                                reason=(reason or "").strip()[:200],
                                                created_by=actor)
    except IntegrityError:  # pragma: no cover - a concurrent identical entry
        raise BlockEntryExists() from None
    log_operation(entry, action="orders.block_buyer", actor=actor, after=_masked_entry(entry))
    return entry


@transaction.atomic
def update_blocked_buyer(entry: BlockedBuyer, *, reason: str, actor: Staff | None) -> BlockedBuyer:
    entry = BlockedBuyer.objects.select_for_update().get(pk=entry.pk)
    before = _masked_entry(entry)
    entry.reason = (reason or "").strip()[:200]
    entry.save(update_fields=["reason", "updated_at"])
    log_operation(entry, action="orders.update_blocked_buyer", actor=actor, before=before,
                  after=_masked_entry(entry))
    return entry


@transaction.atomic
def unblock_buyer(entry: BlockedBuyer, *, actor: Staff | None) -> None:
    """Take an entry off the block list (orders held by it stay held until re-checked)."""
    entry = BlockedBuyer.objects.select_for_update().get(pk=entry.pk)
    log_operation(entry, action="orders.unblock_buyer", actor=actor, before=_masked_entry(entry))
    entry.delete()
