"""Customers API: customers and their addresses.

Thin: parse, ``require_perm`` first, call one action or query, render. Every customer and
address is rendered through ``customers.queries.present_*``, so names, phones, e-mails and
street addresses are masked unless the caller holds ``customers.view_personal_data``.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Day, Presented
from zhanggui.customers import actions, queries
from zhanggui.customers.models import Gender
from zhanggui.customers.models_value import CustomerValue

router = Router()


class AddressOut(Schema):
    id: int
    recipient_name: str
    phone: str
    province_code: str
    city: str
    district: str
    detail: str
    is_default: bool


class CustomerOut(Schema):
    id: int
    code: str
    nickname: str
    name: str
    phone: str
    email: str
    gender: str
    province_code: str
    city: str
    channel: str
    tags: list[str]
    created_at: datetime
    is_masked: bool = Field(description="true when personal data is masked for you")


class CustomerValueOut(Schema):
    """Customer value (BG/NBD × Gamma-Gamma, fitted after each warehouse refresh)."""

    probability_alive: Decimal = Field(description="a fraction (0.8 = 80 %)")
    churn_risk: Decimal = Field(description="1 − probability_alive, a fraction")
    expected_purchases: Decimal = Field(description="expected purchase days within the horizon")
    expected_spend: Decimal | None = Field(description="expected spend per order, yuan")
    clv: Decimal = Field(description="customer lifetime value over the horizon, yuan")
    horizon_days: int
    computed_at: datetime


class CustomerDetailOut(CustomerOut):
    addresses: list[AddressOut] | None = Field(
        description="null unless you may view addresses (customers.view_address)")
    value: CustomerValueOut | None = Field(
        None, description="null until the customer-value fit has scored the customer")


class CustomerFilter(FilterSchema):
    search: str | None = Field(None, description="in customer number or nickname")
    phone: str | None = Field(None, max_length=30, description=(
        "exact phone number of the customer or one of their addresses, however formatted "
        "(spaces, dashes, +86)"))
    province_code: str | None = None
    channel: str | None = None


class CustomerIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    nickname: str = Field("", max_length=60)
    name: str = Field("", max_length=60)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    gender: Gender = Gender.UNKNOWN
    birthday: Day | None = None
    province_code: str = Field("", max_length=6)
    city: str = Field("", max_length=40)
    channel: str = Field("own", min_length=1, max_length=30)
    note: str = ""


class AddressIn(Schema):
    recipient_name: str = Field(min_length=1, max_length=60)
    phone: str = Field(min_length=1, max_length=20)
    province_code: str = Field(min_length=6, max_length=6)
    city: str = Field(min_length=1, max_length=40)
    district: str = Field("", max_length=40)
    detail: str = Field(min_length=1, max_length=200)
    postal_code: str = Field("", max_length=10)
    is_default: bool = False


def _detail(customer, viewer) -> dict[str, Any]:
    addresses = None
    if viewer.has_perm("customers.view_address"):
        addresses = [queries.present_address(a, viewer) for a in queries.list_addresses(customer)]
    value = CustomerValue.objects.filter(customer=customer).first()
    return {**queries.present_customer(customer, viewer), "addresses": addresses,
            "value": value and {name: getattr(value, name) for name in CustomerValueOut.model_fields}}


@router.get("", response={200: list[CustomerOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_customers(request, filters: Query[CustomerFilter]):
    require_perm(request, "customers.view_customer")
    customers = queries.list_customers(**filters.model_dump()).prefetch_related("tags")
    return Presented(customers, lambda customer: queries.present_customer(customer, request.user))


@router.get("/{customer_id}", response={200: CustomerDetailOut, **ERRORS})
def get_customer(request, customer_id: int):
    require_perm(request, "customers.view_customer")
    return _detail(queries.get_customer(customer_id), request.user)


@router.post("", response={201: CustomerDetailOut, **ERRORS})
def create_customer(request, payload: CustomerIn):
    require_perm(request, "customers.add_customer")
    fields = payload.model_dump(exclude={"code"})
    customer = actions.create_customer(payload.code, actor=request.user, **fields)
    return Status(201, _detail(customer, request.user))


@router.post("/{customer_id}/addresses", response={201: AddressOut, **ERRORS})
def add_address(request, customer_id: int, payload: AddressIn):
    require_perm(request, "customers.add_address")
    address = actions.add_address(queries.get_customer(customer_id), actor=request.user,
                                  **payload.model_dump())
    return Status(201, queries.present_address(address, request.user))
