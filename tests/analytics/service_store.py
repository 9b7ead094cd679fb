"""A hand-made service desk whose every number is worked out by hand in ``test_service_*``.

Period under test: 2026-11-01 ≤ day < 2026-11-08 (shop time, Asia/Shanghai). The service
policy is the default: working hours 09:00–23:00 every day, inquiries convert within 24 h.
Agents: a1 (小王) and a2 (小李).

- T1 chat inquiry, customer A, a1: opened 11-02 10:00, first reply 10:02 (2 min, due 10:03:
  on time), resolved 12:00 (2 working h), rated 5. A pays an order 11-02 15:00: converted.
- T2 chat inquiry, customer B, a1: opened 11-03 22:00, reply 22:10 (10 min, due 22:03: late),
  resolved 11-04 10:00 (22–23 h + 9–10 h = 2 working h of 12 calendar h), rated 3. B pays
  11-05 09:00, after the 24 h: not converted.
- T3 e-mail complaint, customer C, a2: opened 11-04 09:00, reply 09:30 (30 min, due 09:03:
  late), closed 11-06 09:00 without being marked resolved (14 + 14 = 28 working h), rated 4.
- T4 phone inquiry, customer D, a2: opened 11-05 10:00, never answered. D pays 11-05 11:00
  (converted) and has an order paid 11-05 10:30 that was cancelled (never counts).
- T5 chat inquiry, customer A again, a1: opened 11-06 10:00, reply 10:04 (4 min, due 10:07).
- T0 chat inquiry, a1, in the previous period (10-28): reply after 1 min.

→ opened 5, unanswered 1; first response over [2, 4, 10, 30]: median 7, p90 24; on time 2 / 4;
resolution over [2, 2, 28]: median 2, p90 22.8; CSAT 2 / 3; inquirers A, B, D, converted A and
D: 2 / 3. a1: median first response 4, CSAT 1 / 2, conversion 1 / 2; a2: 30 min, 1, 1.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from tests import factories
from zhanggui.analytics import warehouse
from zhanggui.orders.models import Order, Payment
from zhanggui.service.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI) if text else None


def paid_order(customer, paid: str, *, status: str = "paid") -> Order:
    order = factories.make_order(customer=customer, status="paid")
    Order.objects.filter(pk=order.pk).update(placed_at=at(paid), paid_at=at(paid), status=status)
    Payment.objects.filter(order=order).update(created_at=at(paid))
    order.refresh_from_db()
    return order


def ticket(number: str, *, channel: str, kind: str, customer, agent, opened: str,
           replied: str | None = None, due: str | None = None, resolved: str | None = None,
           closed: str | None = None, rating: int | None = None, rated: str | None = None) -> Ticket:
    return Ticket.objects.create(
        number=number, channel=channel, kind=kind, subject=f"工单 {number}", customer=customer,
        assignee=agent, status="closed" if closed else ("resolved" if resolved else "open"),
        opened_at=at(opened), first_responded_at=at(replied), first_response_due_at=at(due),
        resolved_at=at(resolved), closed_at=at(closed), rating=rating, rated_at=at(rated))


def build_service() -> dict:
    """Write the desk of the module docstring and build the warehouse."""
    a1, a2 = factories.make_staff("service", "agent1"), factories.make_staff("service", "agent2")
    a1.display_name, a2.display_name = "小王", "小李"
    a1.save(update_fields=["display_name"])
    a2.save(update_fields=["display_name"])
    a, b, c, d = (factories.make_customer() for _ in range(4))
    paid_order(a, "2026-11-02 15:00")
    paid_order(b, "2026-11-05 09:00")
    paid_order(d, "2026-11-05 10:30", status="cancelled")
    paid_order(d, "2026-11-05 11:00")
    tickets = {
        "t0": ticket("T0", channel="chat", kind="inquiry", customer=None, agent=a1,
                     opened="2026-10-28 10:00", replied="2026-10-28 10:01"),
        "t1": ticket("T1", channel="chat", kind="inquiry", customer=a, agent=a1,
                     opened="2026-11-02 10:00", replied="2026-11-02 10:02", due="2026-11-02 10:03",
                     resolved="2026-11-02 12:00", rating=5, rated="2026-11-02 13:00"),
        "t2": ticket("T2", channel="chat", kind="inquiry", customer=b, agent=a1,
                     opened="2026-11-03 22:00", replied="2026-11-03 22:10", due="2026-11-03 22:03",
                     resolved="2026-11-04 10:00", rating=3, rated="2026-11-04 11:00"),
        "t3": ticket("T3", channel="email", kind="complaint", customer=c, agent=a2,
                     opened="2026-11-04 09:00", replied="2026-11-04 09:30", due="2026-11-04 09:03",
                     closed="2026-11-06 09:00", rating=4, rated="2026-11-06 10:00"),
        "t4": ticket("T4", channel="phone", kind="inquiry", customer=d, agent=a2,
                     opened="2026-11-05 10:00"),
        "t5": ticket("T5", channel="chat", kind="inquiry", customer=a, agent=a1,
                     opened="2026-11-06 10:00", replied="2026-11-06 10:04", due="2026-11-06 10:07"),
    }
    warehouse.rebuild()
    return {"a1": a1, "a2": a2, "customers": (a, b, c, d), **tickets}
