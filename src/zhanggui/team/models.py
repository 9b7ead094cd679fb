"""The team by numbers (团队绩效): each staff member's targets per period, and the periodic
review of their work.

A target names one KPI of ``team.kpis`` (which maps it onto the metric registry), optionally
scoped to a category or a channel, and the value wanted; the actual value is computed on
top, from the registry, never stored here.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhanggui.core.models import TimeStampedModel


class KpiScope(models.TextChoices):
    SHOP = "", _("whole shop")
    CATEGORY = "category", _("category")
    CHANNEL = "channel", _("channel")


class KpiTarget(TimeStampedModel):
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="kpi_targets", verbose_name=_("staff member"))
    kpi = models.CharField(_("KPI"), max_length=40)
    scope_kind = models.CharField(_("scope"), max_length=10, choices=KpiScope.choices,
                                  default=KpiScope.SHOP, blank=True)
    scope_value = models.CharField(_("category or channel"), max_length=40, blank=True,
                                   help_text=_("the category's id or the channel's code"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=4,
                                       help_text=_("rates as fractions (0.95 = 95 %)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["-period_start", "staff_id", "kpi"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="kpi_target_period_order"),
            models.UniqueConstraint(fields=["staff", "kpi", "scope_kind", "scope_value",
                                            "period_start", "period_end"],
                                    name="kpi_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.kpi} · {self.period_start}–{self.period_end}"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FINAL = "final", _("final")


class PerformanceReview(TimeStampedModel):
    """One staff member's review for one period (月度/季度考核)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="performance_reviews", verbose_name=_("staff member"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("0–100"))
    comments = models.TextField(_("comments"))
    goals_next = models.TextField(_("goals for the next period"), blank=True)
    # The targets and actuals the review was written against, as they stood then.
    kpi_snapshot = models.JSONField(_("KPIs at review time"), default=list, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("reviewer"))
    status = models.CharField(_("status"), max_length=6, choices=ReviewStatus.choices,
                              default=ReviewStatus.DRAFT)

    class Meta:
        verbose_name = _("performance review")
        verbose_name_plural = _("performance reviews")
        ordering = ["-period_start", "staff_id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="review_period_order"),
            models.CheckConstraint(condition=Q(score__lte=100), name="review_score_at_most_100"),
            models.UniqueConstraint(fields=["staff", "period_start", "period_end"],
                                    name="review_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.period_start}–{self.period_end}"
