"""Customer reads. ``present_*`` return personal data masked unless the viewer may see it."""

from functools import partial
from typing import Any

from django.db.models import Q, QuerySet

from zhanggui.core.crypto import normalise_phone, phone_index
from zhanggui.core.errors import NotFound
from zhanggui.core.search import Found, Hit, SearchQuery, code_condition, may_view
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


def search(query: SearchQuery, *, user, limit: int) -> Found:
    """Customers for the console's search box, by customer number (a prefix from
    ``search.LONG_PREFIX`` characters), nickname (case-insensitive prefix) or phone (exact,
    through the blind index of their own phone or of an address), in number order. Names are
    encrypted and not searched. The phone is masked for staff who may not see personal data;
    nothing for staff who may not view customers. At most two queries, on indexes only."""
    if not may_view(user, "customers.customer"):
        return Found()
    condition = code_condition("code", query) | Q(nickname__istartswith=query.text)
    digest = phone_index(query.phone) if query.phone else ""
    by_address: set[int] = set()
    if digest:
        # A separate query: an IN (subquery) inside the OR would keep it off the indexes.
        by_address = set(Address.objects.filter(phone_index=digest)
                         .values_list("customer_id", flat=True)[:limit + 1])
        condition |= Q(phone_index=digest) | Q(pk__in=by_address)
    rows = list(Customer.objects.filter(condition).order_by("code")
                .only("code", "nickname", "phone", "phone_index", "channel")[:limit + 1])
    show_phone = can_see_personal_data(user)
    return Found.from_rows(rows, limit, lambda customer: _customer_hit(
        customer, query, digest=digest, show_phone=show_phone))


def _customer_hit(customer: Customer, query: SearchQuery, *, digest: str,
                  show_phone: bool) -> Hit:
    make = partial(Hit, "customers.customer", customer.pk, str(customer), customer.code)
    field = partial(_field_name, Customer)
    if query.code and customer.code.casefold().startswith(query.code.casefold()):
        return make(field("code"), customer.code, query.code)
    if customer.nickname.casefold().startswith(query.text.casefold()):
        return make(field("nickname"), customer.nickname, query.text)
    # Found through an address, the number typed is the address's number.
    phone = (customer.phone if digest and customer.phone_index == digest
             else normalise_phone(query.phone))
    return make(field("phone"), phone if show_phone else rules.mask_phone(phone))


def _field_name(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


# Segments (the reads promotions and campaigns use live in their own module).
from zhanggui.customers.queries_segments import (  # noqa: E402, F401
    segment_codes_of,
    segment_member_ids,
)
