"""How the console shows amounts, rates and statuses. Pure helpers, no database access."""

import re
from decimal import Decimal

from django.contrib.admin.utils import quote
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.utils import display_for_label

from zhanggui.core.money import default_currency

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "JP¥", "GBP": "£"}

# Status value → unfold label colour; statuses not listed are shown in grey.
STATUS_COLOURS = {
    "pending_payment": "warning", "paid": "info", "reviewed": "primary", "shipped": "info",
    "delivered": "success", "completed": "success", "cancelled": "danger", "closed": "danger",
    "listed": "success", "delisted": "danger", "draft": "warning",
    "requested": "warning", "approved": "info", "rejected": "danger", "received": "primary",
    "refunded": "success", "succeeded": "success", "failed": "danger",
    "active": "info", "released": "warning", "consumed": "success",
    "low": "danger", "ok": "success",
    # campaigns, A/B tests, tickets
    "scheduled": "info", "sending": "primary", "sent": "success", "running": "primary",
    "stopped": "info", "open": "warning", "pending": "info", "resolved": "success",
}


CHANNEL_LABELS = {
    "own": _("own store"), "taobao": _("Taobao"), "tmall": _("Tmall"), "jd": _("JD.com"),
    "pdd": _("Pinduoduo"), "pinduoduo": _("Pinduoduo"), "douyin": _("Douyin"), "kuaishou": _("Kuaishou"),
    "xiaohongshu": _("Xiaohongshu"), "wechat": _("WeChat mini program"),
}


def channel(code: str) -> str:
    """淘宝 for ``taobao``; unknown channel codes are shown as they are."""
    return str(CHANNEL_LABELS.get(code, code))


def money(amount: Decimal | None, currency: str | None = None) -> str:
    """``¥1,234.50`` — an amount with its currency; ``CNY`` when none is given."""
    if amount is None:
        return "—"
    currency = currency or default_currency()
    text = number_format(amount, decimal_pos=2, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def percent(rate: Decimal | float | None, digits: int = 2) -> str:
    """``5.23 %`` for the fraction 0.0523 (rates are fractions in code, percent on screen)."""
    if rate is None:
        return "—"
    return f"{number_format(Decimal(str(rate)) * 100, decimal_pos=digits)} %"


def badge(value: str, label: str) -> SafeString:
    """A coloured status label (unfold's), the colour chosen by ``STATUS_COLOURS[value]``;
    usable in lists, read-only fields and inlines alike."""
    return display_for_label((value, label), "—", STATUS_COLOURS)


def options_text(values: dict | None) -> str:
    """``颜色：红色 / 尺码：M`` for a SKU's option values."""
    if not values:
        return "—"
    return " / ".join(f"{name}：{value}" for name, value in values.items())


_UNICODE_ESCAPE = re.compile(r"(?<!\\)\\u([0-9a-fA-F]{4})")


def readable_json(contents: str) -> SafeString:
    """Unfold's highlighted JSON with ``\\uXXXX`` escapes shown as the characters (中文)."""
    return mark_safe(_UNICODE_ESCAPE.sub(lambda m: escape(chr(int(m.group(1), 16))), contents))


def signed(number: int) -> str:
    """``+5`` / ``-3`` / ``0`` for stock deltas."""
    return f"{number:+d}" if number else "0"


def link(url: str, text: str) -> str:
    return format_html('<a class="text-primary-600 dark:text-primary-500" href="{}">{}</a>',
                       url, text)


def change_link(obj: Model, text: str | None = None) -> str:
    """A link to ``obj``'s console page, or plain text where it has none."""
    opts = obj._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    except NoReverseMatch:
        return str(text or obj)
    return link(url, text or str(obj))
