"""The demo team's KPIs (绩效): targets of last month and this month for the operator (GMV of
the shop and of the best-selling top-level category), the service agent (first response
time, CSAT), the warehouse (48-hour ship rate, pick accuracy) and the designer (listing
quality), and last month's review of the operator (final, or a draft for the owner to finalise).

GMV targets follow the shop's own history (the month before's paid amount, +5 % for last
month and +10 % for this one, rounded to the thousand); the others are the guides' targets
(first reply within 3 minutes, CSAT 90 %, 95 % shipped within 48 hours). Written through
``team.actions`` (logged). The review's stored KPIs are the registry's actuals at the time it
is finalised: none before the warehouse's first build, so the demo store, seeded before its
warehouse is built, leaves the review a draft (``finalise=False``).
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Category
from zhanggui.demo.context import Clock
from zhanggui.orders.models import Order, OrderLine
from zhanggui.team import actions
from zhanggui.team.queries import period_range

FIXED = {  # role → (kpi, target) of every month
    "service": (("first_response_time", "3"), ("csat", "0.90")),
    "warehouse": (("ship_within_48h_rate", "0.95"), ("pick_accuracy", "0.99")),
    "designer": (("listing_quality", "85"),),
}


def _month_before(start: date) -> tuple[date, date]:
    end = start - timedelta(days=1)
    return end.replace(day=1), end


def _paid(start: date, end: date, clock: Clock) -> tuple[Decimal, Category | None]:
    """The paid amount of [start, end] and the top-level category that sold the most."""
    since, until = clock.at(start), clock.at(end + timedelta(days=1))
    paid = Order.objects.filter(paid_at__gte=since, paid_at__lt=until).exclude(status="cancelled")
    total = paid.aggregate(total=Sum("paid_amount"))["total"] or Decimal(0)
    by_category = (OrderLine.objects.filter(order__in=paid).values("sku__product__category_id")
                   .annotate(goods=Sum("total_amount")).order_by("-goods").first())
    category = None
    if by_category:
        category = Category.objects.get(pk=by_category["sku__product__category_id"])
        while category.parent_id:
            category = category.parent
    return total, category


def _rounded(amount: Decimal, factor: str) -> Decimal:
    value = (amount * Decimal(factor) / 1000).quantize(Decimal(1), ROUND_HALF_UP) * 1000
    return max(value, Decimal(1000))


def seed_team(clock: Clock, staff: dict[str, Staff], *, finalise: bool = True) -> dict[str, int]:
    """Write the targets and the review; returns how many of each."""
    owner = staff.get("owner")
    months = [period_range("last_month", clock.today), period_range("this_month", clock.today)]
    created = 0
    for (start, end), factor in zip(months, ("1.05", "1.10"), strict=True):
        base_start, base_end = _month_before(start)
        total, category = _paid(base_start, base_end, clock)
        operator = staff.get("operator")
        if operator is not None:
            actions.set_target(operator, kpi="gmv", period_start=start, period_end=end,
                               target_value=_rounded(total, factor), actor=owner)
            created += 1
            if category is not None:
                goods = _category_paid(base_start, base_end, category, clock)
                actions.set_target(operator, kpi="gmv", scope_kind="category",
                                   scope_value=str(category.pk), period_start=start,
                                   period_end=end, target_value=_rounded(goods, factor),
                                   actor=owner)
                created += 1
        for role, targets in FIXED.items():
            if staff.get(role) is None:
                continue
            for kpi, target in targets:
                actions.set_target(staff[role], kpi=kpi, period_start=start, period_end=end,
                                   target_value=Decimal(target), actor=owner)
                created += 1
    reviews = 0
    if staff.get("operator") is not None:
        start, end = months[0]
        review = actions.write_review(
            staff["operator"], period_start=start, period_end=end, score=86,
            comments="大促节奏把握得好，类目 GMV 稳步增长；详情页转化率仍有提升空间。",
            goals_next="本月重点：主推款详情页优化，支付转化率提升 0.5 个百分点；新品上架 10 款。",
            actor=owner)
        if finalise:
            actions.finalise_review(review, actor=owner)
        reviews = 1
    return {"targets": created, "reviews": reviews}


def _category_paid(start: date, end: date, category: Category, clock: Clock) -> Decimal:
    """Goods paid in [start, end] of ``category`` and its subcategories."""
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    since, until = clock.at(start), clock.at(end + timedelta(days=1))
    lines = OrderLine.objects.filter(order__paid_at__gte=since, order__paid_at__lt=until,
                                     sku__product__category_id__in=ids).exclude(order__status="cancelled")
    return lines.aggregate(total=Sum("total_amount"))["total"] or Decimal(0)
