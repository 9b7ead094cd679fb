"""What insights computes over the warehouse and keeps for the console, the API and the
briefing: association rules, KPI anomalies, the daily briefing and promotion simulations.

Results that apps below read (recommendations, customer value, forecasts) are stored by
those apps (``catalog.ProductAffinity``, ``customers.CustomerValue``,
``inventory.DemandForecast``); what only insights and the console read is kept here, written
by ``insights`` actions that land in the operation log.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Category, Product
from zhanggui.core.models import ChangeTimeModel
from zhanggui.pricing.models import Promotion
from zhanggui.tasks.models import Task


class BasketRun(models.Model):
    """One mining of paid baskets over a period, shop-wide or within a category."""

    computed_at = models.DateTimeField(_("computed at"), db_index=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("category"))
    baskets = models.PositiveIntegerField(_("baskets"))
    min_support = models.DecimalField(_("minimum support"), max_digits=7, decimal_places=6)
    min_confidence = models.DecimalField(_("minimum confidence"), max_digits=7, decimal_places=6)
    itemsets = models.PositiveIntegerField(_("frequent itemsets"), default=0)
    rule_count = models.PositiveIntegerField(_("rules"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("basket analysis")
        verbose_name_plural = _("basket analyses")
        ordering = ("-computed_at",)

    def __str__(self) -> str:
        return f"{self.period_start}…{self.period_end}"


class AssociationRule(models.Model):
    """``antecedent ⇒ consequent`` over products; rates are fractions (GLOSSARY)."""

    run = models.ForeignKey(BasketRun, on_delete=models.CASCADE, related_name="rules",
                            verbose_name=_("basket analysis"))
    antecedent = models.JSONField(_("antecedent (product ids)"))  # sorted list of ids
    consequent = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("consequent"))
    size = models.PositiveSmallIntegerField(_("items in the rule"))  # antecedent + 1
    baskets = models.PositiveIntegerField(_("baskets with every item"))
    support = models.DecimalField(_("support"), max_digits=9, decimal_places=6)
    confidence = models.DecimalField(_("confidence"), max_digits=9, decimal_places=6)
    lift = models.DecimalField(_("lift"), max_digits=12, decimal_places=4, db_index=True)
    leverage = models.DecimalField(_("leverage"), max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("association rule")
        verbose_name_plural = _("association rules")
        ordering = ("-lift",)

    def __str__(self) -> str:
        return f"{self.antecedent} ⇒ {self.consequent_id}"


class AnomalyGrain(models.TextChoices):
    DAY = "day", _("day")
    HOUR = "hour", _("hour")


class AnomalyDirection(models.TextChoices):
    UP = "up", _("above expected")
    DOWN = "down", _("below expected")


class Anomaly(ChangeTimeModel):
    """A KPI outside its seasonal interval for one day or hour, with what explains it."""

    metric = models.CharField(_("metric"), max_length=40, db_index=True)  # registry code
    grain = models.CharField(_("grain"), max_length=4, choices=AnomalyGrain.choices)
    period_start = models.DateTimeField(_("period start"), db_index=True)
    scope = models.JSONField(_("scope"), default=dict, blank=True)  # e.g. {"source": "search"}
    scope_key = models.CharField(_("scope key"), max_length=120, blank=True, default="")
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=4)
    expected = models.DecimalField(_("expected"), max_digits=16, decimal_places=4)
    lower = models.DecimalField(_("interval low"), max_digits=16, decimal_places=4)
    upper = models.DecimalField(_("interval high"), max_digits=16, decimal_places=4)
    direction = models.CharField(_("direction"), max_length=4, choices=AnomalyDirection.choices)
    score = models.DecimalField(_("robust z-score"), max_digits=10, decimal_places=3)
    impact_amount = models.DecimalField(_("estimated impact (yuan)"), max_digits=14,
                                        decimal_places=2, default=0)
    dimension = models.CharField(_("explained by"), max_length=20, blank=True)
    dimension_value = models.CharField(_("explaining value"), max_length=120, blank=True)
    dimension_label = models.CharField(_("explaining value (label)"), max_length=120, blank=True)
    explained_share = models.DecimalField(_("share explained"), max_digits=7, decimal_places=4,
                                          null=True, blank=True)
    drilldown = models.JSONField(_("drill-down"), default=list, blank=True)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("task"))
    detected_at = models.DateTimeField(_("detected at"))

    class Meta:
        verbose_name = _("anomaly")
        verbose_name_plural = _("anomalies")
        ordering = ("-period_start", "-impact_amount")
        constraints = [models.UniqueConstraint(fields=("metric", "grain", "period_start", "scope_key"),
                                               name="insights_anomaly_once")]

    def __str__(self) -> str:
        from zhanggui.analytics.metrics import METRICS

        metric = METRICS[self.metric].name if self.metric in METRICS else self.metric
        start = timezone.localtime(self.period_start)
        when = f"{start:%Y-%m-%d}" if self.grain == AnomalyGrain.DAY else f"{start:%Y-%m-%d %H:00}"
        return f"{metric} {when}"


class Briefing(models.Model):
    """The daily operations briefing (运营日报) of one day (the day it reports on)."""

    day = models.DateField(_("day"), unique=True)
    generated_at = models.DateTimeField(_("generated at"))
    kpis = models.JSONField(_("KPIs"), default=list, blank=True)
    causes = models.JSONField(_("likely causes"), default=list, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily briefing")
        verbose_name_plural = _("daily briefings")
        ordering = ("-day",)
        permissions = [("receive_briefing", _("Can receive the daily briefing by e-mail"))]

    def __str__(self) -> str:
        return str(self.day)


class BriefingAction(models.Model):
    """One ranked action of a briefing: what to do, its estimated impact and where."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="actions",
                                 verbose_name=_("daily briefing"))
    rank = models.PositiveSmallIntegerField(_("place in the list"))
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("why"), blank=True)
    impact_amount = models.DecimalField(_("estimated impact (yuan)"), max_digits=14,
                                        decimal_places=2)
    impact_formula = models.CharField(_("how the impact is estimated"), max_length=300)
    url = models.CharField(_("link"), max_length=300)
    metric = models.CharField(_("metric"), max_length=40, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("briefing action")
        verbose_name_plural = _("briefing actions")
        ordering = ("briefing", "rank")
        constraints = [models.UniqueConstraint(fields=("briefing", "rank"),
                                               name="insights_briefing_action_rank")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.title}"


class PromotionSimulation(models.Model):
    """A promotion replayed through the price engine on the paid baskets of a past period."""

    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="simulations",
                                  verbose_name=_("promotion"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    baskets = models.PositiveIntegerField(_("baskets replayed"))
    orders_affected = models.PositiveIntegerField(_("orders affected"))
    goods_amount = models.DecimalField(_("goods amount"), max_digits=16, decimal_places=2)
    discount_cost = models.DecimalField(_("discount cost"), max_digits=16, decimal_places=2)
    margin_before = models.DecimalField(_("gross margin before"), max_digits=16, decimal_places=2)
    margin_after = models.DecimalField(_("gross margin after"), max_digits=16, decimal_places=2)
    near_threshold_orders = models.PositiveIntegerField(_("orders one item from a threshold"),
                                                        default=0)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("by"))

    class Meta:
        verbose_name = _("promotion simulation")
        verbose_name_plural = _("promotion simulations")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.promotion_id} {self.period_start}…{self.period_end}"
