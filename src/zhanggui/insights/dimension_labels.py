"""Human labels of the values a drill-down splits by (payment method, source, province…)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.regions import get_province
from zhanggui.orders.models import PaymentMethod
from zhanggui.traffic.models import Device, TrafficSource

DIMENSIONS = {
    "channel": _("channel"),
    "source": _("traffic source"),
    "category": _("category"),
    "province": _("province"),
    "device": _("device"),
    "payment_method": _("payment method"),
}
_CHOICES = {"payment_method": PaymentMethod, "source": TrafficSource, "device": Device}


def dimension_label(dimension: str) -> str:
    return str(DIMENSIONS.get(dimension, dimension))


def label_for(dimension: str, value: str) -> str:
    """The value as the console shows it (the category's name, the province's name…)."""
    if value in ("", "None", "nan"):
        return str(_("unknown"))
    choices = _CHOICES.get(dimension)
    if choices is not None:
        return str(choices(value).label) if value in choices.values else value
    if dimension == "province":
        province = get_province(value)
        return province.name if province else value
    if dimension == "category":
        from zhanggui.catalog.models import Category

        name = Category.objects.filter(pk=int(value)).values_list("name", flat=True).first() \
            if value.isdigit() else None
        return name or value
    return value
