"""Test data of A/B tests: many plain customers fast, a population segment, experiments of a
campaign and of a promotion built through the real actions."""

import itertools
from decimal import Decimal

from django.utils import timezone

from tests.marketing import campaign_factories
from zhanggui.customers.models import Customer, Segment, SegmentMember
from zhanggui.marketing import experiments
from zhanggui.marketing.experiments import ArmSpec
from zhanggui.pricing import actions as pricing_actions

_seq = itertools.count(1)


def make_customers(count: int) -> list[Customer]:
    """``count`` customers without personal data, in one insert."""
    start = next(_seq) * 100_000
    Customer.objects.bulk_create([Customer(code=f"AB{start + i}", nickname=f"客{i}")
                                  for i in range(count)])
    return list(Customer.objects.filter(code__startswith="AB").filter(
        code__in=[f"AB{start + i}" for i in range(count)]).order_by("pk"))


def make_population(customers, *, code: str | None = None) -> Segment:
    segment = Segment.objects.create(code=code or f"pop-{next(_seq)}", name="高价值客户",
                                     kind="rule", definition={"match": "all", "conditions": []})
    now = timezone.now()
    SegmentMember.objects.bulk_create([SegmentMember(segment=segment, customer=c, since=now)
                                       for c in customers])
    return segment


COUPON_ARMS = (("coupon-a", "五折券", "0.45", False), ("coupon-b", "满100减20", "0.45", False),
               ("holdout", "对照组", "0.10", True))


def coupon_arms(templates=None) -> list[ArmSpec]:
    templates = templates or [None, None, None]
    return [ArmSpec(code, name, Decimal(share), holdout, template)
            for (code, name, share, holdout), template in zip(COUPON_ARMS, templates, strict=True)]


def make_campaign_experiment(customers=None, *, code: str | None = None, **fields):
    segment = campaign_factories.make_segment(customers or [])
    campaign = campaign_factories.make_campaign(segment)
    templates = [campaign_factories.make_five_fold_template(),
                 pricing_actions.create_coupon_template(
                     f"满减券{next(_seq)}", kind="fixed", discount_amount=Decimal("20.00"),
                     min_amount=Decimal("100.00"), actor=None), None]
    fields.setdefault("arms", coupon_arms(templates))
    return experiments.create_experiment(code or f"winback-{next(_seq)}", name="召回券 A/B",
                                         campaign=campaign, actor=None, **fields)


def make_promotion_experiment(population: Segment, *, code: str | None = None, **fields):
    promotion = pricing_actions.create_promotion(
        f"会员九折{next(_seq)}", kind="item_percent", discount_rate=Decimal("0.10"), actor=None)
    fields.setdefault("arms", [ArmSpec("treated", "九折", Decimal("0.5")),
                               ArmSpec("holdout", "对照组", Decimal("0.5"), is_holdout=True)])
    return experiments.create_experiment(code or f"promo-{next(_seq)}", name="九折 A/B",
                                         promotion=promotion, population=population,
                                         actor=None, **fields)
