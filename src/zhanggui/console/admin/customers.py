"""Console pages of customers. Names, phone numbers, e-mail and street addresses are
masked for staff without ``customers.view_personal_data``, everywhere they appear. They are
stored encrypted: phones are searched exactly through their blind index
(``console.personal_search``); names and street addresses cannot be searched."""

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import display

from zhanggui.console import history
from zhanggui.console.admin.insights_clv import ChurnRiskFilter, CustomerValueMixin
from zhanggui.console.admin.insights_recommend import RecommendationInline
from zhanggui.console.admin.membership import CustomerPointsMixin
from zhanggui.console.filters import ChannelFilter, DateRangeFilter
from zhanggui.console.formatting import channel, link
from zhanggui.console.mixins import ConsoleModelAdmin, MasterDataAdmin, ReadOnlyTabularInline, adopt
from zhanggui.console.personal_search import PhoneSearchMixin
from zhanggui.customers import actions, rules
from zhanggui.customers.models import Address, Customer, CustomerTag

CUSTOMER_PERSONAL = {"name": rules.mask_name, "phone": rules.mask_phone,
                     "email": rules.mask_email}
ADDRESS_PERSONAL = {"recipient_name": rules.mask_name, "phone": rules.mask_phone,
                    "detail": rules.mask_address}


class AddressInline(ReadOnlyTabularInline):
    model = Address
    fields = ("recipient_name", "phone", "province_code", "city", "district", "detail",
              "is_default")
    personal_fields = ADDRESS_PERSONAL


@admin.register(Customer)
class CustomerAdmin(CustomerValueMixin, CustomerPointsMixin, PhoneSearchMixin, ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("code", "nickname", "name", "phone", "province_code", "city",
                    "channel_display", "tag_list", "churn_risk_display", "clv_display", "created_at")
    list_filter = (ChannelFilter, ChurnRiskFilter,
                   ("province_code", ChoicesDropdownFilter), ("gender", ChoicesDropdownFilter),
                   ("tags", RelatedDropdownFilter), ("created_at", DateRangeFilter))
    search_fields = ("code", "nickname")
    phone_search_fields = ("phone", "addresses__phone")
    search_help_text = _("Customer number or nickname, or an exact phone number. Names are "
                         "encrypted and cannot be searched.")
    fieldsets = (
        (_("Customer"), {"fields": ("code", "nickname", "name", "phone", "email", "gender",
                                    "birthday")}),
        (_("Region and channel"), {"fields": ("province_code", "city", "channel_display")}),
        (_("Notes"), {"fields": ("tags", "note", "orders_link", "created_at")}),
        (_("Points and membership"), {"fields": ("points_summary",)}),
        (_("Customer value"), {"fields": ("value_summary",)}),
    )
    add_fieldsets = (
        (_("Customer"), {"fields": ("code", "nickname", "name", "phone", "email", "gender",
                                    "birthday")}),
        (_("Region and channel"), {"fields": ("province_code", "city", "channel")}),
        (_("Notes"), {"fields": ("note",)}),
    )
    readonly_fields = ("tags", "orders_link", "created_at", "channel_display", "points_summary",
                       "value_summary")
    personal_fields = CUSTOMER_PERSONAL
    inlines = [AddressInline, RecommendationInline]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("tags").select_related("value")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # customers.actions has no update action yet

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders refer to customers

    def save_model(self, request, obj: Customer, form, change: bool) -> None:
        extra = {name: getattr(obj, name) for name in ("gender", "birthday", "note")}
        adopt(obj, actions.create_customer(
            obj.code, actor=request.user, nickname=obj.nickname, name=obj.name, phone=obj.phone,
            email=obj.email, province_code=obj.province_code, city=obj.city,
            channel=obj.channel, **extra))

    def save_related(self, request, form, formsets, change) -> None:
        return None  # tags have no action yet; addresses are added on their own page

    @display(description=_("channel"), ordering="channel")
    def channel_display(self, customer: Customer) -> str:
        return channel(customer.channel)

    @display(description=_("tags"))
    def tag_list(self, customer: Customer) -> str:
        return "、".join(tag.name for tag in customer.tags.all()) or "—"

    @display(description=_("orders"))
    def orders_link(self, customer: Customer) -> str:
        if customer.pk is None:
            return "—"
        url = reverse("admin:orders_order_changelist") + f"?customer__id__exact={customer.pk}"
        return link(url, _("Orders of this customer"))


@admin.register(Address)
class AddressAdmin(PhoneSearchMixin, ConsoleModelAdmin):
    list_display = ("customer", "recipient_name", "phone", "province_code", "city", "district",
                    "detail", "is_default")
    list_filter = (("province_code", ChoicesDropdownFilter), "is_default")
    list_select_related = ("customer",)
    search_fields = ("customer__code", "customer__nickname", "city")
    phone_search_fields = ("phone",)
    search_help_text = _("Customer number, nickname or city, or an exact phone number.")
    autocomplete_fields = ("customer",)
    fields = ("customer", "recipient_name", "phone", "province_code", "city", "district",
              "detail", "postal_code", "is_default")
    personal_fields = ADDRESS_PERSONAL

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # customers.actions has no update action yet

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: Address, form, change: bool) -> None:
        adopt(obj, actions.add_address(
            obj.customer, recipient_name=obj.recipient_name, phone=obj.phone,
            province_code=obj.province_code, city=obj.city, detail=obj.detail,
            district=obj.district, postal_code=obj.postal_code, is_default=obj.is_default,
            actor=request.user))


@admin.register(CustomerTag)
class CustomerTagAdmin(MasterDataAdmin):
    list_display = ("name", "customer_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(customers_total=Count("customers"))

    @display(description=_("customer count"), ordering="customers_total")
    def customer_count(self, tag: CustomerTag) -> int:
        return tag.customers_total
