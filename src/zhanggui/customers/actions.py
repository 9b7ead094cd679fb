"""Customer writes."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.core.fields import reencrypt_rows
from zhanggui.core.regions import get_province
from zhanggui.customers import events as customer_events
from zhanggui.customers import rules
from zhanggui.customers.errors import DuplicateCustomer, InvalidCustomer
from zhanggui.customers.models import Address, Customer

# Personal data is logged masked: the operation log is readable by more roles.
LOGGED_FIELDS = ("code", "nickname", "gender", "province_code", "city", "channel")


def _check_contact(phone: str, province_code: str) -> None:
    if phone and not rules.is_valid_phone(phone):
        raise InvalidCustomer(problem=f"phone {rules.mask_phone(phone)} is not a mainland mobile")
    if province_code and get_province(province_code) is None:
        raise InvalidCustomer(problem=f"unknown province code {province_code}")


@transaction.atomic
def create_customer(code: str, *, actor: Staff | None, nickname: str = "", name: str = "",
                    phone: str = "", email: str = "", province_code: str = "", city: str = "",
                    channel: str = "own", **extra: Any) -> Customer:
    """Create a customer.

    Raises:
        InvalidCustomer: bad phone or province.
        DuplicateCustomer: ``code`` taken.
    """
    _check_contact(phone, province_code)
    if Customer.objects.filter(code=code).exists():
        raise DuplicateCustomer(code=code)
    customer = Customer.objects.create(code=code, nickname=nickname, name=name, phone=phone,
                                       email=email, province_code=province_code, city=city,
                                       channel=channel, **extra)
    log_operation(customer, action="customers.create_customer", actor=actor,
                  after=snapshot(customer, LOGGED_FIELDS))
    customer_events.customer_created(customer)
    return customer


@transaction.atomic
def add_address(customer: Customer, *, recipient_name: str, phone: str, province_code: str,
                city: str, detail: str, actor: Staff | None, district: str = "",
                postal_code: str = "", is_default: bool = False) -> Address:
    """Add an address; the first one, or one marked default, becomes the default.

    Raises:
        InvalidCustomer: bad phone, unknown province or empty street address.
    """
    _check_contact(phone, province_code)
    if not province_code or not detail.strip() or not city.strip():
        raise InvalidCustomer(problem="province, city and street address are required")
    is_default = is_default or not customer.addresses.exists()
    if is_default:
        customer.addresses.update(is_default=False)
    address = Address.objects.create(customer=customer, recipient_name=recipient_name,
                                     phone=phone, province_code=province_code, city=city,
                                     district=district, detail=detail, postal_code=postal_code,
                                     is_default=is_default)
    log_operation(customer, action="customers.add_address", actor=actor,
                  after={"address": address.pk, "city": city, "is_default": is_default})
    return address


def reencrypt_personal_data(*, actor: Staff | None, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt customers' and addresses' personal data under the newest key in
    ``ZHANGGUI_DATA_KEYS`` and recompute the phone blind indexes under the current
    ``ZHANGGUI_BLIND_INDEX_KEY``; rows already current are left alone (a second run
    rewrites nothing). Returns the rows rewritten per model.

    Each batch commits on its own (``core.fields.reencrypt_rows``), so an interrupted run
    keeps its progress; one operation-log entry records the counts.

    Raises:
        PersonalDataKeyError: a stored value that no configured key decrypts.
    """
    counts = {"customers": reencrypt_rows(Customer.objects.all(), batch_size=batch_size),
              "addresses": reencrypt_rows(Address.objects.all(), batch_size=batch_size)}
    with transaction.atomic():
        log_operation(ContentType.objects.get_for_model(Customer),
                      action="customers.reencrypt_personal_data", actor=actor, after=counts)
    return counts
