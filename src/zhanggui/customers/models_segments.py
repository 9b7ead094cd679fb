"""Segments (人群) and the scores the warehouse computes per customer.

Computed on top, stored below (DESIGN.md): ``analytics`` evaluates every active segment's
definition in DuckDB after each warehouse refresh and writes the members here through
``customers.actions.replace_segment_members``; promotions, coupons and campaigns read these
rows and never call the analytics engine. ``CustomerScore`` holds the model-based
attributes (RFM segment, lifecycle stage, spending tier) a segment may test, written the
same way.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.customers.models import Customer


class SegmentKind(models.TextChoices):
    RULE = "rule", _("rule-based")
    MODEL = "model", _("model-based")
    EXPERIMENT = "experiment", _("experiment arm")


class Segment(models.Model):
    """A named group of customers with its definition.

    ``definition`` is ``{"match": "all" | "any", "conditions": [{"field": …, "op": …,
    "value": …}, …]}`` over the fields of ``customers.segment_fields`` (attributes, order
    history, behaviour, tags, region, channel, and the model scores). An experiment arm's
    segment has no definition: its members are the arm's assignment, written by marketing.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=SegmentKind.choices,
                            default=SegmentKind.RULE)
    definition = models.JSONField(_("definition"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class SegmentMember(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="members",
                                verbose_name=_("segment"))
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="segment_rows",
                                 verbose_name=_("customer"))
    since = models.DateTimeField(_("member since"))

    class Meta:
        verbose_name = _("segment member")
        verbose_name_plural = _("segment members")
        constraints = [models.UniqueConstraint(fields=["segment", "customer"],
                                               name="segment_member_once")]
        indexes = [models.Index(fields=["customer", "segment"])]

    def __str__(self) -> str:
        return f"{self.segment_id}:{self.customer_id}"


class SegmentSize(models.Model):
    """A segment's size at one evaluation: the trend line, and who came and went."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="sizes",
                                verbose_name=_("segment"))
    measured_at = models.DateTimeField(_("measured at"), db_index=True)
    member_count = models.PositiveIntegerField(_("members"))
    joined = models.PositiveIntegerField(_("joined"), default=0)
    left = models.PositiveIntegerField(_("left"), default=0)

    class Meta:
        verbose_name = _("segment size")
        verbose_name_plural = _("segment sizes")
        ordering = ["segment", "-measured_at"]

    def __str__(self) -> str:
        return f"{self.measured_at:%Y-%m-%d %H:%M} {self.member_count}"


class LifecycleStage(models.TextChoices):
    """GLOSSARY "Customer lifecycle"; thresholds are ``settings.ZHANGGUI_LIFECYCLE_DAYS``."""

    NEW = "new", _("new")
    ACTIVE = "active", _("active")
    AT_RISK = "at_risk", _("at risk")
    DORMANT = "dormant", _("dormant")
    LOST = "lost", _("lost")
    PROSPECT = "prospect", _("no paid order yet")


class CustomerScore(models.Model):
    """What the warehouse knows of one customer, as of its last refresh."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="score",
                                    verbose_name=_("customer"))
    lifecycle_stage = models.CharField(_("lifecycle stage"), max_length=10,
                                       choices=LifecycleStage.choices, db_index=True)
    rfm_segment = models.CharField(_("RFM segment"), max_length=30, blank=True, db_index=True)
    spending_tier = models.CharField(_("spending tier"), max_length=10, blank=True)
    paid_orders = models.PositiveIntegerField(_("paid orders"), default=0)
    last_paid_at = models.DateTimeField(_("last paid order"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.lifecycle_stage}"


