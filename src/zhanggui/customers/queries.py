"""Customer reads. ``present_*`` return personal data masked unless the viewer may see it."""

from typing import Any

from django.db.models import QuerySet

from zhanggui.core.errors import NotFound
from zhanggui.customers import rules
from zhanggui.customers.models import Address, Customer


def can_see_personal_data(viewer) -> bool:
    return bool(viewer and viewer.has_perm(rules.PERSONAL_DATA_PERMISSION))


def get_customer(customer_id: int) -> Customer:
    try:
        return Customer.objects.get(pk=customer_id)
    except Customer.DoesNotExist:
        raise NotFound() from None


def list_customers(*, search: str | None = None, province_code: str | None = None,
                   channel: str | None = None, phone: str | None = None) -> QuerySet[Customer]:
    """Customers, newest first. ``search`` looks in the number and nickname (names are
    encrypted, so not searchable); ``phone`` is an exact number, however formatted, found
    through the blind index of the customer's own phone or of one of their addresses."""
    qs = Customer.objects.all()
    if search:
        qs = qs.filter(code__icontains=search) | qs.filter(nickname__icontains=search)
    if phone:
        qs = qs.filter(pk__in=find_customer_ids_by_phone(phone))
    if province_code:
        qs = qs.filter(province_code=province_code)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-id")


def find_customer_ids_by_phone(phone: str) -> set[int]:
    """Ids of the customers whose phone, or one of whose addresses' phone, is ``phone``
    (exact number, however formatted: spaces, dashes, +86)."""
    ids = set(Customer.objects.with_exact(phone=phone).values_list("pk", flat=True))
    ids.update(Address.objects.with_exact(phone=phone).values_list("customer_id", flat=True))
    return ids


def present_customer(customer: Customer, viewer) -> dict[str, Any]:
    """The customer's fields as ``viewer`` may see them."""
    full = can_see_personal_data(viewer)
    return {
        "id": customer.pk, "code": customer.code, "nickname": customer.nickname,
        "name": customer.name if full else rules.mask_name(customer.name),
        "phone": customer.phone if full else rules.mask_phone(customer.phone),
        "email": customer.email if full else rules.mask_email(customer.email),
        "gender": customer.gender, "province_code": customer.province_code,
        "city": customer.city, "channel": customer.channel,
        "tags": [t.name for t in customer.tags.all()], "created_at": customer.created_at,
        "is_masked": not full,
    }


def present_address(address: Address, viewer) -> dict[str, Any]:
    full = can_see_personal_data(viewer)
    return {
        "id": address.pk,
        "recipient_name": address.recipient_name if full else rules.mask_name(address.recipient_name),
        "phone": address.phone if full else rules.mask_phone(address.phone),
        "province_code": address.province_code, "city": address.city,
        "district": address.district,
        "detail": address.detail if full else rules.mask_address(address.detail),
        "is_default": address.is_default,
    }


def list_addresses(customer: Customer) -> QuerySet[Address]:
    """``customer``'s addresses, the default first."""
    return customer.addresses.order_by("-is_default", "id")
