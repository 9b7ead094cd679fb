"""In-memory plans of the simulated history. Phases fill them; writers turn them into rows.

Plans hold what the actions would have stored, so the rows can be written in bulk while
obeying the same rules (see ``orders_plan``, ``lifecycle``, ``stock_sim``).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from zhanggui.core.money import ZERO
from zhanggui.demo.data_catalog import TopCategory


@dataclass(slots=True, eq=False)
class SkuInfo:
    pk: int
    code: str
    product_title: str
    option_values: dict
    price: Decimal
    cost: Decimal
    top: TopCategory
    weight: int                        # popularity among the product's SKUs
    listed_at: datetime | None         # None: a draft, never sold
    delisted_at: datetime | None
    stocks: list["StockState"] = field(default_factory=list)

    def sellable_at(self, moment: datetime) -> bool:
        if self.listed_at is None or moment < self.listed_at:
            return False
        return self.delisted_at is None or moment < self.delisted_at


@dataclass(slots=True, eq=False)
class WarehouseInfo:
    pk: int
    code: str
    province_code: str
    region: str


@dataclass(slots=True, eq=False)
class StockState:
    """A stock row during the simulation: running figures and its ledger."""

    sku: SkuInfo
    warehouse: WarehouseInfo
    ordinal: int                       # position in the write order (primary-key order)
    on_hand: int = 0
    reserved: int = 0
    routed_units: int = 0
    low_threshold: int = 10
    first_at: datetime | None = None
    last_at: datetime | None = None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class Movement:
    stock: StockState
    kind: str
    on_hand_delta: int
    reserved_delta: int
    on_hand_after: int
    reserved_after: int
    reason: str
    reference: str
    actor: str | None                  # a role code, resolved to the demo staff member
    at: datetime


@dataclass(slots=True, eq=False)
class AddressInfo:
    name: str
    phone: str
    province_code: str
    city: str
    district: str
    detail: str
    postal_code: str
    is_remote: bool


@dataclass(slots=True, eq=False)
class CustomerInfo:
    code: str
    nickname: str
    name: str
    phone: str
    email: str
    gender: str
    birthday: date | None
    addresses: list[AddressInfo]
    planned_orders: int
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None
    order_count: int = 0
    pk: int | None = None


@dataclass(slots=True, eq=False)
class Attempt:
    at: datetime
    method: str
    succeeded: bool
    reason: str
    transaction_id: str


@dataclass(slots=True, eq=False)
class LinePlan:
    sku: SkuInfo
    quantity: int
    unit_price: Decimal
    discount: Decimal
    total: Decimal
    stock: StockState | None = None
    returned_quantity: int = 0
    refunded: Decimal = ZERO
    pk: int | None = None


@dataclass(slots=True, eq=False)
class RequestLine:
    line: LinePlan
    quantity: int
    disposition: str = ""
    pk: int | None = None


@dataclass(slots=True, eq=False)
class RequestPlan:
    """An after-sales request and how far it got by ``now``."""

    number: str
    kind: str
    reason_code: str
    lines: list[RequestLine]
    requested_amount: Decimal
    buyer_note: str
    requested_at: datetime
    decision: str = "approved"         # what the shop will decide: approved or rejected
    status: str = "requested"
    decided_at: datetime | None = None
    decision_note: str = ""
    received_at: datetime | None = None
    refund_amount: Decimal = ZERO
    refund_reason: str = ""
    refunded_at: datetime | None = None
    cancels_order: bool = False
    pk: int | None = None
    refund_pk: int | None = None


@dataclass(slots=True, eq=False)
class OrderPlan:
    customer: CustomerInfo
    address: AddressInfo
    placed_at: datetime
    lines: list[LinePlan]
    goods: Decimal
    discount: Decimal
    shipping: Decimal
    total: Decimal
    buyer_note: str = ""
    forced_status: str = ""            # a recent showcase order held in this state
    forced_age: timedelta | None = None  # …reached that long ago (default: minutes ago)
    live: str = ""                     # finished by the live phase's actions (``live_plan``)
    channel: str = "own"               # where it was sold (``orders_plan.assign_channels``)
    external_id: str = ""              # the platform's order number (none in the own store)
    number: str = ""
    status: str = "pending_payment"
    attempts: list[Attempt] = field(default_factory=list)
    paid_at: datetime | None = None
    reviewed_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    closed_at: datetime | None = None
    cancel_reason: str = ""
    paid_amount: Decimal = ZERO
    refunded_amount: Decimal = ZERO
    carrier: str = ""
    tracking_number: str = ""
    collected_at: datetime | None = None
    promised_at: datetime | None = None
    failed_attempt_at: datetime | None = None
    live_review_at: datetime | None = None
    requests: list[RequestPlan] = field(default_factory=list)
    pk: int | None = None
    shipment_pk: int | None = None

    def shift_journey(self, shift: timedelta) -> None:
        for name in ("collected_at", "promised_at", "failed_attempt_at"):
            if getattr(self, name) is not None:
                setattr(self, name, getattr(self, name) + shift)

    @property
    def last_change_at(self) -> datetime:
        moments = [self.placed_at, *(a.at for a in self.attempts)]
        moments += [m for m in (self.paid_at, self.reviewed_at, self.shipped_at,
                                self.delivered_at, self.completed_at, self.cancelled_at,
                                self.closed_at) if m is not None]
        moments += [r.refunded_at for r in self.requests if r.refunded_at is not None]
        return max(moments)
