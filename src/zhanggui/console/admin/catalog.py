"""Console pages of the catalog: products and SKUs (saved through the catalog actions),
listing and delisting with a reason, and the plain master data around them."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Sum
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminDecimalFieldWidget, UnfoldAdminSelectWidget

from zhanggui.catalog import actions
from zhanggui.catalog.models import (
    AttributeDefinition,
    Category,
    ListingStatus,
    Product,
    ProductMedia,
    Sku,
    Tag,
)
from zhanggui.console import history
from zhanggui.console.admin.insights_recommend import BoughtTogetherInline
from zhanggui.console.admin.listing import LIST_CHECKED, FindingInline
from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.formatting import badge, change_link, money, options_text
from zhanggui.console.forms import DelistForm
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    MasterDataAdmin,
    ReadOnlyTabularInline,
    adopt,
    permission_check,
)
from zhanggui.console.operations import Operation, OperationForm, run_bulk, run_single
from zhanggui.core.money import ZERO
from zhanggui.listing import actions as listing_actions
from zhanggui.pricing import actions as pricing_actions

PRODUCT_EDITABLE = ("title", "brand", "description", "category", "attributes", "option_names")
SKU_EDITABLE = ("price_amount", "cost_amount", "weight_grams", "barcode", "option_values",
                "is_active")

class PriceChangeForm(OperationForm):
    mode = forms.ChoiceField(label=_("Change"), choices=[
        ("price", _("set every price to")), ("rate", _("change every price by (%)"))],
        widget=UnfoldAdminSelectWidget())
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2,
                               widget=UnfoldAdminDecimalFieldWidget(),
                               help_text=_("A price in yuan, or a percentage such as -10 "
                                           "(ten percent off) or 5 (five percent up)."))

    def clean(self):
        data = super().clean()
        if data.get("mode") == "price" and data.get("value") is not None and data["value"] < 0:
            self.add_error("value", _("A price cannot be negative."))
        if data.get("mode") == "rate" and data.get("value") is not None and data["value"] <= -100:
            self.add_error("value", _("A price cannot go down by a hundred percent or more."))
        return data


def _change_prices(skus, data, actor) -> int:
    value = data["value"]
    arguments = {"price": value} if data["mode"] == "price" else {"rate": value / 100}
    return len(pricing_actions.change_prices(skus, actor=actor, **arguments))


CHANGE_PRICES = Operation(
    title=_("Change prices"),
    perform=_change_prices,
    done_message=_("%(count)d price(s) changed; each SKU keeps its price history."),
    form_class=PriceChangeForm,
    batch=True,
    help_text=_("Changes the list price of every selected SKU at once. A change of many SKUs "
                "or by a large percentage alerts the owner."),
)

# Listing goes through the quality gate (listing.actions.list_product).
LIST = LIST_CHECKED
DELIST = Operation(
    title=_("Delist products"),
    perform=lambda product, data, actor: actions.set_listing_status(
        product, status=ListingStatus.DELISTED, reason=data["reason"], actor=actor),
    done_message=_("%(count)d product(s) delisted."),
    form_class=DelistForm,
)


class SkuInline(ReadOnlyTabularInline):
    model = Sku
    fields = ("code_link", "options", "price_display", "cost_display", "weight_grams",
              "is_active")
    cost_fields = ("cost_display",)

    @display(description=_("SKU code"))
    def code_link(self, sku: Sku) -> str:
        return change_link(sku, sku.code)

    @display(description=_("options"))
    def options(self, sku: Sku) -> str:
        return options_text(sku.option_values)

    @display(description=_("price"))
    def price_display(self, sku: Sku) -> str:
        return money(sku.price_amount)

    @display(description=_("cost price"))
    def cost_display(self, sku: Sku) -> str:
        return money(sku.cost_amount)


class MediaInline(ReadOnlyTabularInline):
    model = ProductMedia
    fields = ("kind", "url", "file_format", "width", "height", "is_main", "sort_order")


@admin.register(Product)
class ProductAdmin(ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("code", "title", "category", "status_display", "status_reason", "sku_count",
                    "updated_at")
    list_filter = (("status", ChoicesDropdownFilter), ("category", RelatedDropdownFilter),
                   ("status_reason", ChoicesDropdownFilter), ("tags", RelatedDropdownFilter),
                   ("created_at", DateRangeFilter))
    list_select_related = ("category",)
    search_fields = ("code", "title", "brand", "skus__code")
    fieldsets = (
        (_("Product"), {"fields": ("code", "title", "category", "brand", "description")}),
        (_("Attributes and options"), {"fields": ("attributes", "option_names")}),
        (_("Listing"), {"fields": ("status_display", "status_reason", "status_changed_at",
                                   "tags", "created_at", "updated_at")}),
    )
    readonly_fields = ("status_display", "status_reason", "status_changed_at", "tags",
                       "created_at", "updated_at")
    inlines = [SkuInline, MediaInline, FindingInline, BoughtTogetherInline]
    actions = ["list_selected", "delist_selected"]
    actions_detail = ["list_one", "delist_one"]

    # Listing is part of managing the product; roles.py has no separate permission for it.
    has_set_listing_permission = permission_check("catalog.change_product")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(skus_total=Count("skus", distinct=True))

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "code"] if obj is not None else fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # delist instead: orders and stock refer to products

    def detail_action_possible(self, product: Product, action_name: str) -> bool:
        listed = product.status == ListingStatus.LISTED
        return {"list_one": not listed, "delist_one": listed}.get(action_name, True)

    def save_model(self, request, obj: Product, form, change: bool) -> None:
        if change:
            changes = {name: getattr(obj, name) for name in form.changed_data
                       if name in PRODUCT_EDITABLE}
            adopt(obj, actions.update_product(obj, actor=request.user, **changes))
        else:
            adopt(obj, actions.create_product(
                obj.code, title=obj.title, category=obj.category, actor=request.user,
                attributes=obj.attributes, option_names=obj.option_names, brand=obj.brand,
                description=obj.description))
        listing_actions.audit_product(obj, actor=request.user)  # findings fresh on save

    def save_related(self, request, form, formsets, change) -> None:
        # Tags have no action yet; inlines are read-only: nothing saved, nothing to report
        # (the admin's change message reads these lists).
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @display(description=_("listing status"), ordering="status")
    def status_display(self, product: Product) -> str:
        return badge(product.status, product.get_status_display())

    @display(description=_("SKU count"), ordering="skus_total")
    def sku_count(self, product: Product) -> int:
        return product.skus_total

    @admin.action(description=_("List selected products"), permissions=["set_listing"])
    def list_selected(self, request, queryset):
        return run_bulk(self, request, queryset, LIST)

    @admin.action(description=_("Delist selected products (with a reason)"),
                  permissions=["set_listing"])
    def delist_selected(self, request, queryset):
        return run_bulk(self, request, queryset, DELIST)

    @action(description=_("List"), permissions=["set_listing"], icon="storefront",
            url_path="list")
    def list_one(self, request, object_id):
        return run_single(self, request, object_id, LIST)

    @action(description=_("Delist"), permissions=["set_listing"], icon="remove_shopping_cart",
            url_path="delist")
    def delist_one(self, request, object_id):
        return run_single(self, request, object_id, DELIST)


@admin.register(Sku)
class SkuAdmin(ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("code", "product", "options", "price_display", "cost_display",
                    "available_total", "weight_grams", "is_active")
    list_filter = ("is_active", ("product__category", RelatedDropdownFilter),
                   ("product__status", ChoicesDropdownFilter))
    list_select_related = ("product",)
    search_fields = ("code", "barcode", "product__code", "product__title")
    autocomplete_fields = ("product",)
    fields = ("product", "code", "option_values", "price_amount", "cost_amount", "weight_grams",
              "barcode", "is_active", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")
    cost_fields = ("cost_amount", "cost_display")
    actions = ["change_prices"]
    actions_detail = ["open_forecast", "open_cost_history", "open_channel_quantities"]

    has_change_prices_permission = permission_check("catalog.change_sku")
    has_view_forecastfit_permission = permission_check("inventory.view_forecastfit")
    has_view_costchange_permission = permission_check("inventory.view_costchange")
    has_view_publishedquantity_permission = permission_check("channels.view_publishedquantity")

    @action(description=_("Demand forecast"), url_path="forecast-link", icon="monitoring",
            permissions=["view_forecastfit"])
    def open_forecast(self, request, object_id):
        """The SKU's forecast chart and replenishment figures (``admin/replenishment.py``)."""
        return redirect(reverse("admin:inventory_sku_forecast", args=[int(object_id)]))

    @action(description=_("Cost history"), url_path="cost-history-link", icon="price_change",
            permissions=["view_costchange"])
    def open_cost_history(self, request, object_id):
        """The SKU's cost history: each receipt's landed cost averaged into its cost."""
        return redirect(reverse("admin:inventory_costchange_changelist")
                        + f"?sku__id__exact={int(object_id)}")

    @action(description=_("Sellable per channel"), url_path="channels-link", icon="storefront",
            permissions=["view_publishedquantity"])
    def open_channel_quantities(self, request, object_id):
        """Each channel's rule and quantity for the SKU (``admin/channels_sync.py``)."""
        return redirect(reverse("admin:channels_sku_quantities", args=[int(object_id)]))

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(available_sum=Sum("stocks__available"))

    @admin.action(description=_("Change prices of the selected SKUs"),
                  permissions=["change_prices"])
    def change_prices(self, request, queryset):
        return run_bulk(self, request, queryset, CHANGE_PRICES)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "product", "code"] if obj is not None else fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: orders and stock refer to SKUs

    def save_model(self, request, obj: Sku, form, change: bool) -> None:
        if change:
            changes = {name: getattr(obj, name) for name in form.changed_data
                       if name in SKU_EDITABLE}
            adopt(obj, actions.edit_sku(obj, actor=request.user, **changes))
            listing_actions.audit_product(obj.product, actor=request.user)
            return
        sku = actions.create_sku(
            obj.product, code=obj.code, price_amount=obj.price_amount,
            cost_amount=obj.cost_amount if "cost_amount" in form.fields else ZERO,
            option_values=obj.option_values, weight_grams=obj.weight_grams,
            barcode=obj.barcode, actor=request.user)
        if not obj.is_active:
            sku = actions.update_sku(sku, is_active=False, actor=request.user)
        adopt(obj, sku)
        listing_actions.audit_product(obj.product, actor=request.user)

    @display(description=_("price"), ordering="price_amount")
    def price_display(self, sku: Sku) -> str:
        return money(sku.price_amount)

    @display(description=_("cost price"), ordering="cost_amount")
    def cost_display(self, sku: Sku) -> str:
        return money(sku.cost_amount)

    options = SkuInline.options

    @display(description=_("available"), ordering="available_sum")
    def available_total(self, sku: Sku) -> int:
        return sku.available_sum or 0


@admin.register(Category)
class CategoryAdmin(MasterDataAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("name", "path", "level", "sort_order", "product_count")
    list_filter = ("level",)
    list_select_related = ("parent__parent__parent",)
    search_fields = ("name",)
    fields = ("parent", "name", "level", "sort_order")
    readonly_fields = ("level",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(products_total=Count("products"))

    def get_readonly_fields(self, request, obj=None):
        # Moving a category would leave its subtree's levels stale.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "parent"] if obj is not None else fields

    def save_model(self, request, obj: Category, form, change: bool) -> None:
        obj.level = obj.parent.level + 1 if obj.parent else 1
        super().save_model(request, obj, form, change)

    @display(description=_("path"))
    def path(self, category: Category) -> str:
        return category.full_name

    @display(description=_("product count"), ordering="products_total")
    def product_count(self, category: Category) -> int:
        return category.products_total


@admin.register(AttributeDefinition)
class AttributeDefinitionAdmin(MasterDataAdmin):
    list_display = ("name", "code", "category", "value_type", "is_required", "sort_order")
    list_filter = (("category", RelatedDropdownFilter), ("value_type", ChoicesDropdownFilter),
                   "is_required")
    list_select_related = ("category",)
    search_fields = ("code", "name", "category__name")


@admin.register(Tag)
class TagAdmin(MasterDataAdmin):
    list_display = ("name", "product_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(products_total=Count("products"))

    @display(description=_("product count"), ordering="products_total")
    def product_count(self, tag: Tag) -> int:
        return tag.products_total


@admin.register(ProductMedia)
class ProductMediaAdmin(MasterDataAdmin):
    list_display = ("url", "product", "kind", "file_format", "size_bytes", "width", "height",
                    "is_main", "sort_order")
    list_filter = (("kind", ChoicesDropdownFilter), "is_main", "file_format")
    list_select_related = ("product",)
    search_fields = ("url", "alt_text", "product__code", "product__title")
    autocomplete_fields = ("product",)

    def save_model(self, request, obj: ProductMedia, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        listing_actions.audit_product(obj.product, actor=request.user)  # image checks fresh

    def delete_model(self, request, obj: ProductMedia) -> None:
        product = obj.product
        super().delete_model(request, obj)
        listing_actions.audit_product(product, actor=request.user)
