"""Recording what campaigns earned (computed on top, stored below): the warehouse attributes
orders to campaigns after each refresh (``analytics.campaign_attribution``) and writes the
figures here, one ``CampaignResult`` per campaign and arm (arm ``""``: the whole campaign).
ROI and the rest are computed on read (``marketing.rules``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.core.money import MAX_AMOUNT
from zhanggui.marketing.errors_results import InvalidCampaignResult
from zhanggui.marketing.models_campaigns import Campaign, CampaignResult

COUNTS = ("recipients", "reached", "converted", "orders")
AMOUNTS = ("gmv_amount", "gross_profit_amount", "discount_amount", "cost_amount")
ARM_LENGTH = CampaignResult._meta.get_field("arm").max_length


@dataclass(frozen=True)
class CampaignFigures:
    """One campaign's (or one arm's) figures as of a warehouse refresh. Amounts in yuan to the
    cent; gross profit may be negative, nothing else."""

    campaign_id: int
    arm: str
    recipients: int
    reached: int
    converted: int
    orders: int
    gmv_amount: Decimal
    gross_profit_amount: Decimal
    discount_amount: Decimal
    cost_amount: Decimal


FIELDS = tuple(f.name for f in fields(CampaignFigures))


def _figures(row: CampaignFigures | Mapping) -> CampaignFigures:
    if isinstance(row, CampaignFigures):
        return row
    missing = [name for name in FIELDS if name not in row]
    if missing:
        raise InvalidCampaignResult(campaign=row.get("campaign_id"), arm=row.get("arm", ""),
                                    problem=f"missing {', '.join(missing)}")
    return CampaignFigures(**{name: row[name] for name in FIELDS})


def _check(row: CampaignFigures) -> None:
    def refuse(problem: str):
        return InvalidCampaignResult(campaign=row.campaign_id, arm=row.arm, problem=problem)

    if not isinstance(row.campaign_id, int) or isinstance(row.campaign_id, bool):
        raise refuse("the campaign must be an id")
    if not isinstance(row.arm, str) or len(row.arm) > ARM_LENGTH:
        raise refuse(f"the arm is text of at most {ARM_LENGTH} characters")
    for name in COUNTS:
        value = getattr(row, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise refuse(f"{name} must be a whole number from 0 up")
    if row.reached > row.recipients:
        raise refuse("more recipients reached than recipients")
    for name in AMOUNTS:
        value = getattr(row, name)
        if (not isinstance(value, Decimal) or not value.is_finite() or abs(value) > MAX_AMOUNT
                or value != value.quantize(Decimal("0.01"))):
            raise refuse(f"{name} must be an amount with at most two decimals")
        if value < 0 and name != "gross_profit_amount":
            raise refuse(f"{name} must not be negative")


def _validated(rows: Iterable[CampaignFigures | Mapping], computed_at: datetime) -> list[CampaignFigures]:
    figures = [_figures(row) for row in rows]
    if not isinstance(computed_at, datetime) or timezone.is_naive(computed_at):
        raise InvalidCampaignResult(campaign="—", arm="", problem="computed_at must be an aware time")
    seen: set[tuple[int, str]] = set()
    for row in figures:
        _check(row)
        if (row.campaign_id, row.arm) in seen:
            raise InvalidCampaignResult(campaign=row.campaign_id, arm=row.arm, problem="given twice")
        seen.add((row.campaign_id, row.arm))
    return figures


@transaction.atomic
def record_campaign_results(rows: Iterable[CampaignFigures | Mapping], *,
                            computed_at: datetime) -> list[CampaignResult]:
    """Replace the stored results of every campaign named in ``rows`` by ``rows``: one
    ``CampaignResult`` per (campaign, arm) given, updated in place or created, and the
    campaign's results of arms no longer given deleted. Campaigns not named keep theirs.

    The campaigns are locked in primary-key order (two runs replace one campaign's results one
    after the other); one operation-log entry for the whole run. Returns the results written.

    Raises:
        InvalidCampaignResult: a row is incomplete, not a count or amount where one is due,
            negative where it may not be (only gross profit may), names a campaign that does
            not exist, or repeats a (campaign, arm); ``computed_at`` is not an aware datetime.
            Nothing is written then.
    """
    figures = _validated(rows, computed_at)
    seen = {(row.campaign_id, row.arm) for row in figures}
    if not figures:
        return []
    ids = sorted({row.campaign_id for row in figures})
    campaigns = list(Campaign.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    missing = set(ids) - {c.pk for c in campaigns}
    if missing:
        raise InvalidCampaignResult(campaign=min(missing), arm="", problem="no such campaign")
    stored = {(r.campaign_id, r.arm): r for r in
              CampaignResult.objects.select_for_update().filter(campaign_id__in=ids).order_by("pk")}
    gone = [r.pk for key, r in stored.items() if key not in seen]
    if gone:
        CampaignResult.objects.filter(pk__in=gone).delete()
    changed, created = [], []
    for row in figures:
        values = {k: v for k, v in asdict(row).items() if k not in ("campaign_id", "arm")}
        result = stored.get((row.campaign_id, row.arm))
        if result is None:
            created.append(CampaignResult(campaign_id=row.campaign_id, arm=row.arm,
                                          computed_at=computed_at, **values))
            continue
        for name, value in values.items():
            setattr(result, name, value)
        result.computed_at = computed_at
        changed.append(result)
    if changed:
        CampaignResult.objects.bulk_update(changed, [*COUNTS, *AMOUNTS, "computed_at"])
    written = changed + CampaignResult.objects.bulk_create(created)
    log_operation(campaigns[0], action="marketing.record_campaign_results", actor=None,
                  after={"campaigns": len(campaigns), "results": len(written),
                         "deleted": len(gone), "computed_at": computed_at.isoformat()})
    return sorted(written, key=lambda r: (r.campaign_id, r.arm))
