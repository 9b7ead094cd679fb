"""The customers' domain event (``events.catalogue``: customer.created), written in the
transaction that creates the customer. No name, phone, email or address goes into it."""

from zhanggui.customers.models import Customer
from zhanggui.events import actions as events


def customer_created(customer: Customer) -> None:
    events.record("customer.created", subject_id=customer.pk, occurred_at=customer.created_at,
                  data={"customer_id": customer.pk, "code": customer.code,
                        "channel": customer.channel, "is_guest": customer.is_guest,
                        "created_at": customer.created_at})
