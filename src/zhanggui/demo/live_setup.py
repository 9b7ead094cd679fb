"""The demo shop's set-up through the actions, and the simulated clock they run on.

``simulated_now`` makes the actions stamp the moments the demo chooses (the history's
times, the demo's "now") instead of the wall clock: ``django.utils.timezone.now`` — which
the actions, ``auto_now`` fields and the operation log all read — returns the moment set
last. The seeder is one process writing one store; the original function is restored on
leaving.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from zhanggui.accounts.actions import set_staff_lead
from zhanggui.accounts.models import Staff
from zhanggui.demo.context import Clock
from zhanggui.demo.orders_plan import AMOUNT_SHOWCASE
from zhanggui.fulfillment import carriers
from zhanggui.fulfillment.carriers import RateRowIn
from zhanggui.fulfillment.models import Carrier, CarrierService, ServiceLevel
from zhanggui.orders import review_config
from zhanggui.orders.models import ReviewRule

# As the example services of fulfillment's migration 0007: remote and far provinces.
REMOTE = ("150000", "460000", "620000", "630000", "640000")
FAR = ("540000", "650000", "710000", "810000", "820000")
# A carrier the demo's warehouses use that the examples lack: 申通.
EXTRA_SERVICES = (
    (Carrier.STO, ServiceLevel.STANDARD, "申通快递（示例运价）", 3,
     (("4.8", "2", 3), ("9", "6", 5), ("16", "12", 6))),
)
LEAD_ROLES = ("warehouse", "service")


class SimulatedClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@contextmanager
def simulated_now(moment: datetime) -> Iterator[SimulatedClock]:
    clock = SimulatedClock(moment)
    original = timezone.now
    timezone.now = clock
    try:
        yield clock
    finally:
        timezone.now = original


def prepare_shop(clock: Clock, staff: dict[str, Staff]) -> dict[str, CarrierService]:
    """Before the history: the carrier services the warehouses use, the review rules tuned
    to the shop (large orders above ¥800, remote regions held), the owner as the lead of
    warehouse and service staff. Returns each carrier's service (rate cards prefetched)."""
    owner = staff["owner"]
    with simulated_now(clock.at(clock.first_day - timedelta(days=2), 10)):
        for carrier, level, name, days, tiers in EXTRA_SERVICES:
            if CarrierService.objects.filter(carrier=carrier).exists():
                continue
            service = carriers.create_carrier_service(
                carrier=carrier, level=level, name=name, promised_days=days, actor=owner)
            rows = [RateRowIn(province_codes=provinces, first_fee_amount=Decimal(first),
                              additional_fee_amount=Decimal(additional), promised_days=row_days)
                    for provinces, (first, additional, row_days) in zip(((), REMOTE, FAR), tiers,
                                                                         strict=True)]
            carriers.set_rate_card(service, rows, actor=owner)
        rules = {rule.kind: rule for rule in ReviewRule.objects.all()}
        if "amount_above" in rules:
            review_config.update_rule(rules["amount_above"], actor=owner,
                                      params={"threshold": f"{AMOUNT_SHOWCASE:.2f}"})
        if "remote_region" in rules:
            review_config.update_rule(rules["remote_region"], actor=owner, is_active=True)
        for role in LEAD_ROLES:
            if role in staff:
                set_staff_lead(staff[role], lead=owner, actor=owner)
    return services_by_carrier()


def services_by_carrier() -> dict[str, CarrierService]:
    """Each carrier's active service: the shop default first, then the oldest."""
    services: dict[str, CarrierService] = {}
    for service in carriers.active_services().order_by("-is_default", "id"):
        services.setdefault(service.carrier, service)
    return services
