"""The recommendations on the console's pages: "bought together" on a product's page and
"recommended" on a customer's page (read-only; recomputed after each warehouse refresh by
``insights.recommend_run``). Shown to staff who may view them (``catalog.view_productaffinity``,
``customers.view_customerrecommendation``)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from zhanggui.catalog.models import ProductAffinity
from zhanggui.console.formatting import change_link
from zhanggui.console.mixins import ReadOnlyTabularInline
from zhanggui.customers.models_value import CustomerRecommendation


def _score(value: Decimal) -> str:
    return f"{value.normalize():f}"


class BoughtTogetherInline(ReadOnlyTabularInline):
    """The products most often in the same paid order as this one, best first."""

    model = ProductAffinity
    fk_name = "product"
    fields = ("rank", "related_link", "baskets", "score_display", "computed_at")
    verbose_name_plural = _("bought together")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("related")

    @display(description=_("bought with"))
    def related_link(self, row: ProductAffinity) -> str:
        return change_link(row.related, f"{row.related.code} {row.related.title}")

    @display(description=_("similarity"))
    def score_display(self, row: ProductAffinity) -> str:
        return _score(row.score)


class RecommendationInline(ReadOnlyTabularInline):
    """The products ranked for this customer ("for you"), best first."""

    model = CustomerRecommendation
    fields = ("rank", "product_link", "score_display", "computed_at")
    verbose_name_plural = _("recommended products")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    @display(description=_("product"))
    def product_link(self, row: CustomerRecommendation) -> str:
        return change_link(row.product, f"{row.product.code} {row.product.title}")

    @display(description=_("score"))
    def score_display(self, row: CustomerRecommendation) -> str:
        return _score(row.score)
