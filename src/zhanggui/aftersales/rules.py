"""Pure after-sales rules: eligibility and returnable quantities."""

from zhanggui.aftersales.models import RequestKind, RequestStatus
from zhanggui.orders.rules import PAID_STATES, SHIPPED_STATES

OPEN_STATES = frozenset({RequestStatus.REQUESTED, RequestStatus.APPROVED, RequestStatus.RECEIVED})


def eligibility_problem(kind: str, order_status: str) -> str | None:
    """Why an order in ``order_status`` cannot have a request of ``kind`` (None if it can)."""
    if order_status not in PAID_STATES:
        return "the order is not paid"
    if kind in (RequestKind.RETURN, RequestKind.EXCHANGE) and order_status not in SHIPPED_STATES:
        return "goods can only be returned or exchanged after shipping"
    return None


def returnable_quantity(sold: int, returned: int, pending: int) -> int:
    """Units of a line that a new request may still cover."""
    return max(0, sold - returned - pending)


def needs_goods_back(kind: str) -> bool:
    return kind in (RequestKind.RETURN, RequestKind.EXCHANGE)
