"""Per-customer results of the customer-value models and the recommender.

Computed on top, stored below (DESIGN.md): ``insights`` fits BG/NBD and Gamma-Gamma over
the warehouse (``insights.clv``) and ranks products per customer (``insights.recommend``),
then writes the rows here through ``customers.actions``; the customer page, segments and
campaigns read them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Product
from zhanggui.customers.models import Customer


class CustomerValue(models.Model):
    """Expected purchases, probability alive, churn risk and CLV over a horizon."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="value",
                                    verbose_name=_("customer"))
    frequency = models.PositiveIntegerField(_("repeat purchase days"))
    recency_days = models.DecimalField(_("age at last purchase (days)"), max_digits=10,
                                       decimal_places=2)
    age_days = models.DecimalField(_("age (days)"), max_digits=10, decimal_places=2)
    average_order_value = models.DecimalField(_("average order value"), max_digits=12,
                                              decimal_places=2, null=True, blank=True)
    expected_purchases = models.DecimalField(_("expected purchases"), max_digits=12,
                                             decimal_places=4)
    probability_alive = models.DecimalField(_("probability alive"), max_digits=7,
                                            decimal_places=6)
    churn_risk = models.DecimalField(_("churn risk"), max_digits=7, decimal_places=6,
                                     db_index=True)
    expected_spend = models.DecimalField(_("expected spend per order"), max_digits=12,
                                         decimal_places=2, null=True, blank=True)
    clv = models.DecimalField(_("customer lifetime value"), max_digits=14, decimal_places=2,
                              db_index=True)
    horizon_days = models.PositiveIntegerField(_("horizon (days)"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("customer value")
        verbose_name_plural = _("customer values")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.clv}"


class CustomerRecommendation(models.Model):
    """"For you": products ranked for one customer (none they bought recently)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE,
                                 related_name="recommendations", verbose_name=_("customer"))
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("product"))
    rank = models.PositiveSmallIntegerField(_("place in the list"))
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=6)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["customer", "rank"]
        constraints = [models.UniqueConstraint(fields=("customer", "product"),
                                               name="customers_recommendation_once")]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.product_id}"
