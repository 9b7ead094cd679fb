"""Reads of the channel stock sync: which rule applies to each listed SKU on each channel,
the quantities to publish, the publish log, and one SKU's figures on every channel."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from zhanggui.channels.errors_sync import PublishRunNotFound
from zhanggui.channels.models import (
    Channel,
    ChannelListing,
    ChannelListingStatus,
    PoolKind,
    PublishedQuantity,
    PublishRun,
    SyncRule,
)
from zhanggui.channels.rules_sync import Rule, is_slow
from zhanggui.inventory.queries import sellable_by_sku


def slow_minutes() -> int:
    return settings.ZHANGGUI["CHANNEL_SLOW_MINUTES"]


def active_channels() -> list[Channel]:
    return list(Channel.objects.filter(is_active=True).order_by("pk"))


def _as_rule(rule: SyncRule, channel: Channel) -> Rule:
    slow = is_slow(channel.sync_lag_minutes, slow_minutes())
    return Rule(channel_id=channel.pk, percent=rule.percent, fixed=rule.fixed,
                min_quantity=rule.min_quantity, max_quantity=rule.max_quantity,
                reserved=rule.pool == PoolKind.RESERVED,
                guard_units=channel.guard_units if slow else 0)


def rules_by_sku(sku_ids: Iterable[int] | None = None) -> dict[int, list[Rule]]:
    """SKU id → the rule of each channel it is synced on: an active channel where the SKU's
    listing is on sale and an active rule applies (the SKU's own, else the channel's
    default). Two queries whatever the number of SKUs."""
    ids = None if sku_ids is None else list(sku_ids)
    rule_qs = SyncRule.objects.filter(channel__is_active=True, is_active=True).select_related("channel")
    listing_qs = ChannelListing.objects.filter(channel__is_active=True, status=ChannelListingStatus.LISTED)
    if ids is not None:
        rule_qs = rule_qs.filter(Q(sku_id__in=ids) | Q(sku__isnull=True))
        listing_qs = listing_qs.filter(sku_id__in=ids)
    own: dict[tuple[int, int], Rule] = {}
    default: dict[int, Rule] = {}
    for rule in rule_qs:
        converted = _as_rule(rule, rule.channel)
        if rule.sku_id is None:
            default[rule.channel_id] = converted
        else:
            own[(rule.channel_id, rule.sku_id)] = converted
    if not own and not default:
        return {}
    result: dict[int, list[Rule]] = defaultdict(list)
    for channel_id, sku_id in listing_qs.values_list("channel_id", "sku_id").order_by():
        rule = own.get((channel_id, sku_id)) or default.get(channel_id)
        if rule is not None:
            result[sku_id].append(rule)
    return dict(result)


def sellable(sku_ids: Iterable[int] | None = None) -> dict[int, int]:
    return sellable_by_sku(sku_ids)


def stored_quantities(sku_ids: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    """(channel id, SKU id) → the stored quantity to publish."""
    qs = PublishedQuantity.objects.all()
    if sku_ids is not None:
        qs = qs.filter(sku_id__in=list(sku_ids))
    return {(c, s): q for c, s, q in qs.values_list("channel_id", "sku_id", "quantity").order_by()}


def pending_by_channel(channel_ids: Iterable[int], sku_ids: Iterable[int] | None = None,
                       ) -> dict[int, list[PublishedQuantity]]:
    """Channel id → its quantities that differ from what it last got (or were never
    published), with the SKU and the platform's item id (``external_id``), in SKU order.
    One query for every channel."""
    listing = ChannelListing.objects.filter(channel_id=OuterRef("channel_id"), sku_id=OuterRef("sku_id"))
    qs = (PublishedQuantity.objects.filter(channel_id__in=list(channel_ids))
          .filter(Q(published_quantity__isnull=True) | ~Q(quantity=F("published_quantity")))
          .select_related("sku").annotate(external_id=Subquery(listing.values("external_id")[:1]))
          .order_by("channel_id", "sku_id"))
    if sku_ids is not None:
        qs = qs.filter(sku_id__in=list(sku_ids))
    result: dict[int, list[PublishedQuantity]] = defaultdict(list)
    for row in qs:
        result[row.channel_id].append(row)
    return result


def list_quantities(*, channel_id: int | None = None, sku_id: int | None = None,
                    differs: bool | None = None) -> QuerySet[PublishedQuantity]:
    qs = PublishedQuantity.objects.select_related("channel", "sku").order_by("channel_id", "sku_id")
    if channel_id is not None:
        qs = qs.filter(channel_id=channel_id)
    if sku_id is not None:
        qs = qs.filter(sku_id=sku_id)
    if differs is not None:
        condition = Q(published_quantity__isnull=True) | ~Q(quantity=F("published_quantity"))
        qs = qs.filter(condition) if differs else qs.exclude(condition)
    return qs


def list_runs(*, channel_id: int | None = None) -> QuerySet[PublishRun]:
    qs = PublishRun.objects.select_related("channel", "actor")
    return qs if channel_id is None else qs.filter(channel_id=channel_id)


def get_run(run_id: int) -> PublishRun:
    try:
        return PublishRun.objects.select_related("channel", "actor").get(pk=run_id)
    except PublishRun.DoesNotExist:
        raise PublishRunNotFound(id=run_id) from None


def list_rules(*, channel_id: int | None = None, sku_id: int | None = None) -> QuerySet[SyncRule]:
    qs = SyncRule.objects.order_by("channel_id", "sku_id", "pk")
    if channel_id is not None:
        qs = qs.filter(channel_id=channel_id)
    return qs if sku_id is None else qs.filter(sku_id=sku_id)


@dataclass(frozen=True)
class ChannelFigure:
    """One channel's row of a SKU's "sellable per channel" panel."""

    channel: Channel
    listed: bool
    rule: SyncRule | None  # the rule that applies (the SKU's own or the default), if any
    own_rule: bool
    slow: bool
    quantity: int | None
    published_quantity: int | None
    published_at: object


def sku_channel_figures(sku_id: int) -> tuple[int, list[ChannelFigure]]:
    """The SKU's sellable stock and, for each channel, its listing, rule and quantities."""
    channels = list(Channel.objects.order_by("pk"))
    listed = set(ChannelListing.objects.filter(sku_id=sku_id, status=ChannelListingStatus.LISTED)
                 .values_list("channel_id", flat=True))
    rules = {(r.channel_id, r.sku_id): r for r in SyncRule.objects.filter(
        Q(sku_id=sku_id) | Q(sku__isnull=True), is_active=True)}
    stored = {q.channel_id: q for q in PublishedQuantity.objects.filter(sku_id=sku_id)}
    figures = []
    for channel in channels:
        rule = rules.get((channel.pk, sku_id)) or rules.get((channel.pk, None))
        row = stored.get(channel.pk)
        figures.append(ChannelFigure(
            channel=channel, listed=channel.pk in listed, rule=rule,
            own_rule=rule is not None and rule.sku_id is not None,
            slow=is_slow(channel.sync_lag_minutes, slow_minutes()),
            quantity=row.quantity if row else None,
            published_quantity=row.published_quantity if row else None,
            published_at=row.published_at if row else None))
    return sellable_by_sku([sku_id]).get(sku_id, 0), figures
