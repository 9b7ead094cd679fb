"""Customers with addresses and tags.

Names, phone numbers and addresses are personal data: only staff with
``customers.view_personal_data`` see them in full; everyone else sees them masked
(``customers.rules.mask_*``) in the console and the API. They are stored encrypted
(``core.fields.EncryptedCharField``); phones are found by exact number through their blind
index (``Customer.objects.with_exact(phone=...)``). Province, city and district stay plain:
analytics reports by region.
"""

from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.core.fields import (
    EncryptedCharField,
    PersonalDataModel,
    PersonalDataQuerySet,
    PhoneIndexField,
)
from zhanggui.core.models import TimeStampedModel
from zhanggui.core.regions import province_field


class CustomerTag(models.Model):
    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("customer tag")
        verbose_name_plural = _("customer tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    UNKNOWN = "", _("unknown")
    FEMALE = "female", _("female")
    MALE = "male", _("male")


class Customer(PersonalDataModel, TimeStampedModel):
    code = models.CharField(_("customer number"), max_length=40, unique=True)
    nickname = models.CharField(_("nickname"), max_length=60, blank=True)
    name = EncryptedCharField(_("name"), max_length=60, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    phone_index = PhoneIndexField(source="phone")
    email = EncryptedCharField(_("email"), max_length=254, blank=True,
                               validators=[validate_email])
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True,
                              default=Gender.UNKNOWN)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    province_code = province_field()
    city = models.CharField(_("city"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=60, blank=True, default="")
    channel = models.CharField(_("channel"), max_length=30, default="own", db_index=True)
    # The shared customer of a channel's guest checkouts (no identity): their orders count in
    # sales, never as one buyer in customer analytics (RFM, cohorts, repurchase).
    is_guest = models.BooleanField(_("guest checkouts"), default=False)
    tags = models.ManyToManyField(CustomerTag, blank=True, related_name="customers",
                                  verbose_name=_("tags"))
    note = models.TextField(_("note"), blank=True)

    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        permissions = [("view_personal_data", _("Can see customers' full name, phone and address"))]

    def __str__(self) -> str:
        return self.nickname or self.code


class Address(PersonalDataModel, TimeStampedModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses",
                                 verbose_name=_("customer"))
    recipient_name = EncryptedCharField(_("recipient"), max_length=60)
    phone = EncryptedCharField(_("phone"), max_length=20)
    phone_index = PhoneIndexField(source="phone")
    province_code = province_field(blank=False)
    city = models.CharField(_("city"), max_length=40)
    district = models.CharField(_("district"), max_length=40, blank=True)
    detail = EncryptedCharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["customer", "-is_default", "id"]

    def __str__(self) -> str:
        return f"{self.city} {self.district}".strip()


# Points and segments live in their own modules; imported here so Django registers them.
from zhanggui.customers.models_points import (  # noqa: E402, F401
    PointsAccount,
    PointsEntry,
    PointsKind,
    PointsPolicy,
)
from zhanggui.customers.models_segments import (  # noqa: E402, F401
    CustomerScore,
    LifecycleStage,
    Segment,
    SegmentKind,
    SegmentMember,
    SegmentSize,
)
from zhanggui.customers.models_value import (  # noqa: E402, F401
    CustomerRecommendation,
    CustomerValue,
)
