"""Behaviour events of the storefront's visitors: page and product views, searches,
favourites, carts, checkouts, orders and payments. An analytics source.

The table is append-only (rows are never updated by the application); the analytics
warehouse copies it by an ``id`` watermark. ``event_id`` is the sender's idempotency key.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Product
from zhanggui.customers.models import Customer
from zhanggui.orders.models import Order


class EventKind(models.TextChoices):
    PAGE_VIEW = "page_view", _("page view")
    PRODUCT_VIEW = "product_view", _("product view")
    SEARCH = "search", _("search")
    FAVORITE = "favorite", _("favourite")
    ADD_TO_CART = "add_to_cart", _("add to cart")
    CHECKOUT_START = "checkout_start", _("checkout start")
    ORDER = "order", _("order placed")
    PAYMENT = "payment", _("payment")


class TrafficSource(models.TextChoices):
    SEARCH = "search", _("search engine")
    ADS = "ads", _("paid ads")
    SOCIAL = "social", _("social media")
    LIVE = "live", _("livestream")
    DIRECT = "direct", _("direct visit")
    CAMPAIGN = "campaign", _("campaign")
    CHANNEL = "channel", _("other channel / referral")


class Device(models.TextChoices):
    MOBILE = "mobile", _("mobile")
    DESKTOP = "desktop", _("desktop")
    TABLET = "tablet", _("tablet")
    APP = "app", _("app")


class Event(models.Model):
    """One behaviour event of one visitor in one visit (session)."""

    SYNC_FIELD = "received_at"  # append-only, stamped on arrival: the API's incremental sync

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(_("event id"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    visitor_id = models.CharField(_("visitor id"), max_length=64, db_index=True)
    session_id = models.CharField(_("session id"), max_length=64)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("customer"))
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("product"))
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("order"))
    search_term = models.CharField(_("search term"), max_length=100, blank=True)
    result_count = models.PositiveIntegerField(_("result count"), null=True, blank=True)
    source = models.CharField(_("traffic source"), max_length=12, choices=TrafficSource.choices)
    channel = models.CharField(_("channel"), max_length=30, default="own")
    device = models.CharField(_("device"), max_length=10, choices=Device.choices)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("behaviour event")
        verbose_name_plural = _("behaviour events")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.visitor_id[:12]} {self.occurred_at:%Y-%m-%d %H:%M}"
