"""Marketing writes: ad spend by day, channel and product (or the whole shop). Each entry is
saved through these actions, in a transaction, with an operation-log entry."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Product
from zhanggui.marketing.errors import AdSpendExists, InvalidAdSpend
from zhanggui.marketing.models import AdChannel, AdSpend

FIELDS = ("day", "channel", "product_id", "amount", "note")
MAX_AMOUNT = Decimal("999999999999.99")


def _check(spend: AdSpend) -> None:
    amount = spend.amount
    if (not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0
            or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01"))):
        raise InvalidAdSpend()
    if spend.channel not in AdChannel.values:
        raise InvalidAdSpend(channel=spend.channel)
    # The unique constraint cannot see two shop-wide entries (no product: NULL) of one day and
    # channel as the same; this check does, under the rows' lock.
    clash = (AdSpend.objects.select_for_update()
             .filter(day=spend.day, channel=spend.channel, product_id=spend.product_id)
             .exclude(pk=spend.pk))
    if clash.exists():
        raise AdSpendExists(day=spend.day.isoformat(), channel=spend.get_channel_display())


@transaction.atomic
def record_ad_spend(*, day: date, channel: str, amount: Decimal, product: Product | None = None,
                    note: str = "", actor: Staff | None) -> AdSpend:
    """Enter the ad spend of one day on one channel, for a product or the whole shop.

    Raises:
        InvalidAdSpend: a negative amount, more than two decimals, an unknown channel.
        AdSpendExists: that day, channel and product already has an entry.
    """
    spend = AdSpend(day=day, channel=channel, product=product, amount=amount, note=note.strip(),
                    created_by=actor)
    _check(spend)
    spend.save()
    log_operation(spend, action="marketing.record_ad_spend", actor=actor,
                  after=snapshot(spend, FIELDS))
    return spend


@transaction.atomic
def update_ad_spend(spend: AdSpend, *, actor: Staff | None, **changes) -> AdSpend:
    """Change an entry's day, channel, product, amount or note (``changes`` by field name;
    ``product`` a Product or None).

    Raises:
        InvalidAdSpend, AdSpendExists: as ``record_ad_spend``.
    """
    spend = AdSpend.objects.select_for_update().get(pk=spend.pk)
    before = snapshot(spend, FIELDS)
    for name, value in changes.items():
        if name not in ("day", "channel", "product", "amount", "note"):
            raise TypeError(f"unknown ad spend field {name}")
        setattr(spend, name, value.strip() if name == "note" else value)
    _check(spend)
    spend.save()
    after = snapshot(spend, FIELDS)
    log_operation(spend, action="marketing.update_ad_spend", actor=actor,
                  before={k: v for k, v in before.items() if after[k] != v},
                  after={k: v for k, v in after.items() if before[k] != v})
    return spend


@transaction.atomic
def delete_ad_spend(spend: AdSpend, *, actor: Staff | None) -> None:
    """Delete an entry (entered by mistake), logging what it held."""
    log_operation(spend, action="marketing.delete_ad_spend", actor=actor,
                  before=snapshot(spend, FIELDS))
    spend.delete()
