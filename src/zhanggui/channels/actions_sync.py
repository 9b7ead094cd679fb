"""Writes of the channel stock sync: recompute the quantities to publish, push them through
the channel's adapter (the publish log), and the debounce queue of changed SKUs.

``recompute`` reads the SKUs' sellable stock, the rules and the listings in three queries,
allocates with ``rules_sync.allocate`` and writes only the quantities that changed (one
bulk upsert). A SKU that stops being synced on a channel (delisted, rule removed or turned
off) gets 0, so the platform stops selling units it no longer has a share of.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.actions import delete_record, log_operation, save_record
from zhanggui.accounts.models import Staff
from zhanggui.channels import queries_sync
from zhanggui.channels.adapters import Line, PushResult, adapter_for
from zhanggui.channels.errors_sync import InvalidSyncRule, SyncRuleExists
from zhanggui.channels.models import (
    Channel,
    PublishedQuantity,
    PublishLine,
    PublishRun,
    PublishStatus,
    PublishTrigger,
    SyncMark,
    SyncRule,
)
from zhanggui.channels.rules_sync import allocate_all

UPSERT_BATCH = 5000
VALUES_PER_STATEMENT = 1000  # rows of one multi-row INSERT (4 parameters each)
FROM_ARRAYS = ("SELECT c, s, q, %s, %s FROM unnest(%s::bigint[], %s::bigint[], %s::integer[]) "
               "AS t(c, s, q)")
UPSERT_SQL = ("INSERT INTO channels_publishedquantity "
              "(channel_id, sku_id, quantity, computed_at, updated_at) "
              "{source} ON CONFLICT (channel_id, sku_id) DO UPDATE SET "
              "quantity = excluded.quantity, computed_at = excluded.computed_at, "
              "updated_at = excluded.updated_at")


@dataclass(frozen=True)
class Recomputed:
    changed: list[tuple[int, int, int]]  # (channel id, SKU id, new quantity)
    skus: int  # SKUs looked at


def recompute(sku_ids: Iterable[int] | None = None, *, actor: Staff | None = None) -> Recomputed:
    """Recompute the quantities of these SKUs (None: every SKU) on every active channel and
    store those that changed. By hand (``actor`` given), each active channel's operation
    log notes it."""
    ids = None if sku_ids is None else sorted(set(sku_ids))
    rules = queries_sync.rules_by_sku(ids)
    available = queries_sync.sellable(ids)
    computed = allocate_all(available, rules)
    stored = queries_sync.stored_quantities(ids)
    # Pairs no longer synced go to 0 (once: a 0 already stored is left alone).
    computed.update({pair: 0 for pair, quantity in stored.items()
                     if pair not in computed and quantity != 0})
    changed = [(c, s, q) for (c, s), q in computed.items() if stored.get((c, s)) != q]
    with transaction.atomic():
        _upsert(changed, timezone.now())
        if actor is not None:
            for channel in queries_sync.active_channels():
                log_operation(channel, action="channels.recompute_quantities", actor=actor,
                              after={"changed": sum(1 for c, _s, _q in changed if c == channel.pk),
                                     "skus": "all" if ids is None else len(ids)})
    return Recomputed(changed=sorted(changed), skus=len(rules) if ids is None else len(ids))


def _upsert(changed: list[tuple[int, int, int]], now) -> None:
    """Store the changed quantities with ``INSERT … ON CONFLICT DO UPDATE``: on PostgreSQL
    one statement over three arrays (``unnest``), elsewhere multi-row VALUES, a thousand rows
    a statement. (``bulk_create(update_conflicts=…)`` builds a model instance per row, which
    was most of a full recompute's time.)"""
    if not changed:
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(UPSERT_SQL.format(source=FROM_ARRAYS),
                           [stamp, stamp, *map(list, zip(*changed, strict=True))])
            return
        for start in range(0, len(changed), VALUES_PER_STATEMENT):
            chunk = changed[start:start + VALUES_PER_STATEMENT]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(UPSERT_SQL.format(source=f"VALUES {values}"),
                           [value for c, s, q in chunk for value in (c, s, q, stamp, stamp)])


def publish(channel: Channel, *, trigger: str = PublishTrigger.MANUAL, actor: Staff | None = None,
            sku_ids: Iterable[int] | None = None) -> PublishRun | None:
    """Push the channel's quantities that differ from what it last got (of these SKUs, or
    all) through its adapter, and log the run with its lines. Accepted lines become the
    published quantity. None when nothing differs (no run is logged)."""
    runs = _publish([channel], trigger=trigger, actor=actor, sku_ids=sku_ids)
    return runs[0] if runs else None


def publish_all(*, trigger: str, actor: Staff | None = None,
                sku_ids: Iterable[int] | None = None) -> list[PublishRun]:
    """``publish`` to every active channel: one read of what differs on all of them, one
    push per channel with something to push, the runs logged in one transaction."""
    return _publish(queries_sync.active_channels(), trigger=trigger, actor=actor, sku_ids=sku_ids)


def _publish(channels: list[Channel], *, trigger, actor, sku_ids) -> list[PublishRun]:
    pending = queries_sync.pending_by_channel([c.pk for c in channels], sku_ids)
    pushed = []
    for channel in channels:
        rows = pending.get(channel.pk)
        if not rows:
            continue
        lines = [Line(sku_id=row.sku_id, sku_code=row.sku.code, external_id=row.external_id or "",
                      quantity=row.quantity, previous_quantity=row.published_quantity)
                 for row in rows]
        started = timezone.now()
        try:
            outcome = adapter_for(channel).push(channel, lines)
        except OSError as exc:  # the export folder cannot be written, and the like
            outcome = PushResult([], error=f"{type(exc).__name__}: {exc}")
        pushed.append((channel, rows, lines, outcome, started))
    if not pushed:
        return []
    with transaction.atomic():
        return [_record_run(*entry, trigger=trigger, actor=actor) for entry in pushed]


def _record_run(channel, rows, lines, outcome: PushResult, started, *, trigger, actor) -> PublishRun:
    results = {result.sku_id: result for result in outcome.results}
    accepted = {line.sku_id for line in lines if line.sku_id in results and results[line.sku_id].ok}
    if accepted and len(accepted) == len(lines):
        status = PublishStatus.OK
    else:
        status = PublishStatus.PARTLY if accepted else PublishStatus.FAILED
    now = timezone.now()
    run = PublishRun.objects.create(
        channel=channel, adapter=channel.adapter, trigger=trigger, status=status,
        started_at=started, finished_at=now, line_count=len(lines), error=outcome.error[:2000],
        file_name=outcome.file_name, actor=actor)
    PublishLine.objects.bulk_create([
        PublishLine(run=run, sku_id=line.sku_id, quantity=line.quantity,
                    previous_quantity=line.previous_quantity, ok=line.sku_id in accepted,
                    error=results[line.sku_id].error if line.sku_id in results
                    else (outcome.error or "no result")[:200])
        for line in lines])
    done = [row for row in rows if row.sku_id in accepted]
    for row in done:  # what was pushed (the row's quantity as read before the push)
        row.published_quantity, row.published_at, row.updated_at = row.quantity, now, now
    PublishedQuantity.objects.bulk_update(done, ["published_quantity", "published_at", "updated_at"],
                                          batch_size=UPSERT_BATCH)
    if accepted:
        Channel.objects.filter(pk=channel.pk).update(last_published_at=now)
        channel.last_published_at = now
    if actor is not None:
        log_operation(run, action="channels.publish_stock", actor=actor,
                      after={"lines": len(lines), "accepted": len(accepted), "status": status})
    return run


def mark_changed(sku_ids: Iterable[int]) -> None:
    """Queue SKUs whose stock changed (one upsert): the debounced sync takes them."""
    now = timezone.now()
    SyncMark.objects.bulk_create([SyncMark(sku_id=s, marked_at=now) for s in sorted(set(sku_ids))],
                                 update_conflicts=True, unique_fields=["sku"],
                                 update_fields=["marked_at"])


def take_marks(before) -> list[int]:
    """The queued SKUs marked at or before ``before``."""
    return list(SyncMark.objects.filter(marked_at__lte=before).values_list("sku_id", flat=True))


def clear_marks(sku_ids: Iterable[int], before) -> int:
    """Drop the marks handled — not those marked again since ``before``."""
    return SyncMark.objects.filter(sku_id__in=list(sku_ids), marked_at__lte=before).delete()[0]


def _affected(rule: SyncRule) -> list[int] | None:
    """The SKUs a rule change moves: its SKU, or every SKU for a channel default."""
    return None if rule.sku_id is None else [rule.sku_id]


def _after_rule_change(rule: SyncRule) -> None:
    from zhanggui.channels.tasks import request_full_sync_on_commit, request_sync_on_commit

    affected = _affected(rule)
    if affected is None:
        request_full_sync_on_commit()
    else:
        request_sync_on_commit(affected)


@transaction.atomic
def save_rule(rule: SyncRule, *, actor: Staff | None, changed_fields: Iterable[str] = (),
              sync: bool = True) -> SyncRule:
    """Create or change a sync rule (logged): its SKUs' quantities are recomputed now and
    pushed after the commit (``sync=False``: neither — for setting up many rules before one
    ``recompute``).

    Raises:
        InvalidSyncRule: a share outside 0–1, or a maximum below the minimum.
        SyncRuleExists: the channel has a rule for this SKU (or a default) already.
    """
    if None in (rule.percent, rule.fixed, rule.min_quantity, rule.pool):  # a PATCH with null
        raise InvalidSyncRule()
    if not 0 <= rule.percent <= 1 or rule.min_quantity < 0 or (
            rule.max_quantity is not None and rule.max_quantity < rule.min_quantity):
        raise InvalidSyncRule()
    clash = SyncRule.objects.filter(channel_id=rule.channel_id, sku_id=rule.sku_id).exclude(pk=rule.pk)
    if clash.exists():
        raise SyncRuleExists(channel=rule.channel, sku=rule.sku or _("every SKU"))
    saved = save_record(rule, actor=actor, changed_fields=changed_fields)
    saved.refresh_from_db()  # the stored figures (a share with its four decimals)
    if sync:
        recompute(_affected(saved))
        _after_rule_change(saved)
    return saved


@transaction.atomic
def delete_rule(rule: SyncRule, *, actor: Staff | None) -> None:
    """Remove a rule (logged); its SKUs fall back to the default or stop being synced."""
    affected = _affected(rule)
    _after_rule_change(rule)
    delete_record(rule, actor=actor)
    recompute(affected)
