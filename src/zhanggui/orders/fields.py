"""The recipient-address blind index of orders (the street address is encrypted).

Like ``core.fields.PhoneIndexField`` (which it extends) it is filled in ``pre_save``, so by
``save``, ``create`` and ``bulk_create``; its source is ``Order.address_key``, the address
parts joined, so ``OrderQuerySet`` and ``Order.save(update_fields=...)`` add it whenever one
of ``ADDRESS_FIELDS`` is written, and ``update()`` of an address part is refused (one value
cannot give every row's index).
"""

from django.core.exceptions import FieldError

from zhanggui.core import crypto
from zhanggui.core.fields import PersonalDataQuerySet, PhoneIndexField
from zhanggui.orders.review_rules import normalise_address

ADDRESS_FIELDS = ("province_code", "city", "district", "address_detail")
ADDRESS_SEPARATOR = "\x1f"


def address_key(province_code: str, city: str, district: str, detail: str) -> str:
    return ADDRESS_SEPARATOR.join([province_code or "", city or "", district or "", detail or ""])


class AddressIndexField(PhoneIndexField):
    """The blind index (``crypto.blind_index``) of the normalised recipient address."""

    def digest(self, value: str) -> str:
        parts = (value or "").split(ADDRESS_SEPARATOR)
        if len(parts) != len(ADDRESS_FIELDS):
            return ""
        normalised = normalise_address(*parts)
        return crypto.blind_index(normalised) if normalised else ""


def with_address_index(field_names) -> list[str]:
    names = list(field_names)
    if any(name in ADDRESS_FIELDS for name in names) and "recipient_address_index" not in names:
        names.append("recipient_address_index")
    return names


class OrderQuerySet(PersonalDataQuerySet):
    def bulk_update(self, objs, fields, batch_size=None):
        return super().bulk_update(objs, with_address_index(fields), batch_size=batch_size)

    bulk_update.alters_data = True

    def update(self, **kwargs):
        if any(name in ADDRESS_FIELDS for name in kwargs) and "recipient_address_index" not in kwargs:
            raise FieldError("An order's address parts are blind-indexed together: change them "
                             "with save() or bulk_update(), not update().")
        return super().update(**kwargs)

    update.alters_data = True


class AddressIndexMixin:
    """``save(update_fields=[...])`` with an address part saves the address index too."""

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = with_address_index(kwargs["update_fields"])
        return super().save(*args, **kwargs)

