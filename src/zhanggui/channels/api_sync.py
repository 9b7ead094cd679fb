"""The channel stock sync API (``/api/v1/channels``): the quantities to publish, the publish
log, recompute and publish by hand, and the sync rules. Shares are fractions (0.6 = 60 %).
Thin: ``require_perm`` first, then one action or query."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog.queries import get_sku
from zhanggui.channels import actions_sync, queries_sync
from zhanggui.channels.errors_sync import SyncRuleNotFound
from zhanggui.channels.models import PoolKind, PublishTrigger, SyncRule
from zhanggui.channels.queries import get_channel
from zhanggui.core.schemas import ERRORS, INT_MAX, BoundedPagination, Id

router = Router()


class QuantityOut(Schema):
    channel_id: int
    channel_code: str = Field(..., alias="channel.code")
    sku_id: int
    sku_code: str = Field(..., alias="sku.code")
    quantity: int
    computed_at: datetime
    published_quantity: int | None
    published_at: datetime | None


class LineOut(Schema):
    sku_id: int
    quantity: int
    previous_quantity: int | None
    ok: bool
    error: str


class PublishRunOut(Schema):
    id: int
    channel_id: int
    channel_code: str = Field(..., alias="channel.code")
    adapter: str
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    line_count: int
    error: str
    file_name: str
    actor: str | None

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.username if obj.actor_id else None


class PublishRunDetailOut(PublishRunOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class RecomputeIn(Schema):
    sku_ids: list[Id] | None = Field(None, max_length=10_000,
                                     description="empty: every SKU")


class RecomputeOut(Schema):
    skus: int
    changed: int


class PublishOut(Schema):
    published: bool
    run: PublishRunOut | None


class SyncRuleIn(Schema):
    channel_id: Id
    sku_id: Id | None = None
    percent: Decimal = Field(Decimal("1"), ge=0, le=1, max_digits=5, decimal_places=4)
    fixed: int = Field(0, ge=-INT_MAX, le=INT_MAX)
    min_quantity: int = Field(0, ge=0, le=INT_MAX)
    max_quantity: int | None = Field(None, ge=0, le=INT_MAX)
    pool: PoolKind = PoolKind.SHARED
    is_active: bool = True


class RulePatch(Schema):
    percent: Decimal | None = Field(None, ge=0, le=1, max_digits=5, decimal_places=4)
    fixed: int | None = Field(None, ge=-INT_MAX, le=INT_MAX)
    min_quantity: int | None = Field(None, ge=0, le=INT_MAX)
    max_quantity: int | None = Field(None, ge=0, le=INT_MAX)
    pool: PoolKind | None = None
    is_active: bool | None = None


class SyncRuleOut(Schema):
    id: int
    channel_id: int
    sku_id: int | None
    percent: Decimal
    fixed: int
    min_quantity: int
    max_quantity: int | None
    pool: str
    is_active: bool


@router.get("/published-quantities", response={200: list[QuantityOut], **ERRORS})
@paginate(BoundedPagination)
def list_quantities(request, channel_id: Id | None = None, sku_id: Id | None = None,
                    differs: bool | None = None):
    """The quantity each channel should show for each SKU and what it last got;
    ``differs=true``: only those not yet published."""
    require_perm(request, "channels.view_publishedquantity")
    return queries_sync.list_quantities(channel_id=channel_id, sku_id=sku_id, differs=differs)


@router.get("/publish-runs", response={200: list[PublishRunOut], **ERRORS})
@paginate(BoundedPagination)
def list_runs(request, channel_id: Id | None = None):
    """The publish log, newest first."""
    require_perm(request, "channels.view_publishrun")
    return queries_sync.list_runs(channel_id=channel_id)


@router.get("/publish-runs/{run_id}", response={200: PublishRunDetailOut, **ERRORS})
def get_run(request, run_id: Id):
    """One publish run with its lines."""
    require_perm(request, "channels.view_publishrun")
    return queries_sync.get_run(run_id)


@router.post("/sync/recompute", response={200: RecomputeOut, **ERRORS})
def recompute(request, payload: RecomputeIn):
    """Recompute the quantities of these SKUs (or all) on every active channel now."""
    require_perm(request, "channels.publish_stock")
    result = actions_sync.recompute(payload.sku_ids, actor=request.user)
    return {"skus": result.skus, "changed": len(result.changed)}


@router.post("/{channel_id}/publish", response={200: PublishOut, **ERRORS})
def publish(request, channel_id: Id):
    """Push the channel's quantities that differ from what it last got; ``published``
    false when nothing differs."""
    require_perm(request, "channels.publish_stock")
    channel = get_channel(channel_id)
    run = actions_sync.publish(channel, trigger=PublishTrigger.MANUAL, actor=request.user)
    return {"published": run is not None, "run": run}


@router.get("/sync-rules", response={200: list[SyncRuleOut], **ERRORS})
@paginate(BoundedPagination)
def list_rules(request, channel_id: Id | None = None, sku_id: Id | None = None):
    require_perm(request, "channels.view_syncrule")
    return queries_sync.list_rules(channel_id=channel_id, sku_id=sku_id)


@router.post("/sync-rules", response={201: SyncRuleOut, **ERRORS})
def create_rule(request, payload: SyncRuleIn):
    """A channel's default rule (no ``sku_id``) or one SKU's rule; 409 ``sync_rule_exists``."""
    require_perm(request, "channels.add_syncrule")
    channel = get_channel(payload.channel_id)
    sku = get_sku(payload.sku_id) if payload.sku_id else None
    fields = payload.dict(exclude={"channel_id", "sku_id"})
    rule = actions_sync.save_rule(SyncRule(channel=channel, sku=sku, **fields), actor=request.user)
    return Status(201, rule)


def _rule(rule_id: int) -> SyncRule:
    rule = SyncRule.objects.select_related("channel", "sku").filter(pk=rule_id).first()
    if rule is None:
        raise SyncRuleNotFound(id=rule_id)
    return rule


@router.patch("/sync-rules/{rule_id}", response={200: SyncRuleOut, **ERRORS})
def update_rule(request, rule_id: Id, payload: RulePatch):
    require_perm(request, "channels.change_syncrule")
    rule = _rule(rule_id)
    changes = payload.dict(exclude_unset=True)
    for name, value in changes.items():
        setattr(rule, name, value)
    return actions_sync.save_rule(rule, actor=request.user, changed_fields=list(changes))


@router.delete("/sync-rules/{rule_id}", response={200: SyncRuleOut, **ERRORS})
def delete_rule(request, rule_id: Id):
    """Delete a rule; answers the rule as it was (its SKUs are recomputed without it)."""
    require_perm(request, "channels.delete_syncrule")
    rule = _rule(rule_id)
    actions_sync.delete_rule(rule, actor=request.user)
    rule.pk = rule_id  # Django clears it on delete
    return rule
