"""The kinds of automatic-review rule (a module of its own: the pure rules, the models and
the address index field all need it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    BUYER_NOTE = "buyer_note", _("buyer note")
    SELLER_NOTE = "seller_note", _("seller note")
    ADDRESS_INCOMPLETE = "address_incomplete", _("incomplete address")
    ADDRESS_SUSPICIOUS = "address_suspicious", _("suspicious address")
    AMOUNT_ABOVE = "amount_above", _("amount above a threshold")
    PRICE_ANOMALY = "price_anomaly", _("price anomaly")
    STOCK_SHORT = "stock_short", _("stock short")
    REMOTE_REGION = "remote_region", _("remote region")
    BLOCKED_BUYER = "blocked_buyer", _("buyer on the block list")
    REPEAT_ADDRESS = "repeat_address", _("repeated address or phone")
    QUANTITY_ABOVE = "quantity_above", _("quantity above a limit")
    NEW_BUYER_AMOUNT = "new_buyer_amount", _("new buyer, large amount")
