"""A/B tests: a campaign or a promotion split into arms, with a holdout group.

Customers are assigned to arms by a stable hash of (experiment, customer), in the shares of
the arms; the assignment is stored (``Assignment``) so it never moves. A promotion's arm
reaches its customers through a segment of kind ``experiment`` holding the arm's members
(the promotion's eligibility names that segment); a campaign's arms are its recipients'
``arm``. Results are computed in the warehouse with the test that fits the metric
(``marketing.rules_ab``) and shown with a warning until the planned sample is reached.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.core.models import ChangeTimeModel
from zhanggui.customers.models import Customer, Segment
from zhanggui.marketing.models_campaigns import Campaign
from zhanggui.pricing.models import CouponTemplate, Promotion


class ExperimentMetric(models.TextChoices):
    CONVERSION = "conversion", _("conversion (bought or not)")
    REVENUE = "revenue", _("revenue per recipient")


class ExperimentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    RUNNING = "running", _("running")
    STOPPED = "stopped", _("stopped")


class Experiment(ChangeTimeModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    hypothesis = models.TextField(_("hypothesis"), blank=True)
    campaign = models.OneToOneField(Campaign, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="experiment", verbose_name=_("campaign"))
    promotion = models.ForeignKey(Promotion, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="experiments", verbose_name=_("promotion"))
    population = models.ForeignKey(Segment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="experiments", verbose_name=_("population"),
                                   help_text=_("who takes part (a promotion's test)"))
    metric = models.CharField(_("primary metric"), max_length=12,
                              choices=ExperimentMetric.choices, default=ExperimentMetric.CONVERSION)
    alpha = models.DecimalField(_("significance level"), max_digits=4, decimal_places=3,
                                default=Decimal("0.050"))
    power = models.DecimalField(_("power"), max_digits=4, decimal_places=3,
                                default=Decimal("0.800"))
    baseline_rate = models.DecimalField(
        _("expected baseline conversion"), max_digits=5, decimal_places=4,
        default=Decimal("0.0500"), help_text=_("fraction, for the planned sample size"))
    minimum_effect = models.DecimalField(
        _("smallest effect worth finding"), max_digits=5, decimal_places=4,
        default=Decimal("0.0200"),
        help_text=_("absolute difference in conversion (0.02 = 2 points)"))
    planned_sample_size = models.PositiveIntegerField(
        _("planned sample per arm"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=ExperimentStatus.choices,
                              default=ExperimentStatus.DRAFT)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("A/B test")
        verbose_name_plural = _("A/B tests")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(campaign__isnull=False) | Q(promotion__isnull=False),
                                   name="experiment_tests_campaign_or_promotion"),
            models.CheckConstraint(condition=Q(alpha__gt=0, alpha__lt=Decimal("0.5"),
                                               power__gt=Decimal("0.5"), power__lt=1),
                                   name="experiment_alpha_power_range"),
        ]

    def __str__(self) -> str:
        return self.name


class ExperimentArm(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="arms",
                                   verbose_name=_("A/B test"))
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    share = models.DecimalField(_("share"), max_digits=5, decimal_places=4,
                                help_text=_("fraction of the customers (0.45 = 45 %)"))
    is_holdout = models.BooleanField(_("holdout"), default=False,
                                     help_text=_("gets nothing: the baseline"))
    coupon_template = models.ForeignKey(CouponTemplate, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("coupon of this arm"))
    segment = models.OneToOneField(Segment, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="experiment_arm",
                                   verbose_name=_("members as a segment"))

    class Meta:
        verbose_name = _("arm")
        verbose_name_plural = _("arms")
        ordering = ["experiment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "code"], name="experiment_arm_code"),
            models.CheckConstraint(condition=Q(share__gt=0, share__lte=1),
                                   name="experiment_arm_share_range"),
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE,
                                   related_name="assignments", verbose_name=_("A/B test"))
    arm = models.ForeignKey(ExperimentArm, on_delete=models.CASCADE, related_name="assignments",
                            verbose_name=_("arm"))
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("customer"))
    assigned_at = models.DateTimeField(_("assigned at"))

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["experiment", "customer"],
                                               name="experiment_assignment_once")]

    def __str__(self) -> str:
        return f"{self.experiment_id}:{self.customer_id} → {self.arm_id}"


