"""Livestream selling (直播): sessions planned, run and reviewed.

Status of a session::

    planned → live → ended → reviewed;   planned → cancelled

A session's plan is its segments in order (one product each, with talking points and the
segment's offer: a flash-sale price and cap, a coupon); its run is its metrics, imported
from the platform's export or entered, per minute or per segment; its review is the
lessons and the follow-up tasks (``tasks`` app, kind ``live_action``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Product, Sku
from zhanggui.channels.models import Channel
from zhanggui.core.models import TimeStampedModel
from zhanggui.core.money import MoneyField
from zhanggui.pricing.models import CouponTemplate, Promotion


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    LIVE = "live", _("live now")
    ENDED = "ended", _("ended")
    REVIEWED = "reviewed", _("reviewed")
    CANCELLED = "cancelled", _("cancelled")


class LiveSession(TimeStampedModel):
    title = models.CharField(_("title"), max_length=80)
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="live_sessions", verbose_name=_("channel"))
    host = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="live_sessions",
                             verbose_name=_("host"))
    host_name = models.CharField(_("host name"), max_length=40, blank=True,
                                 help_text=_("an outside host without a staff account"))
    scheduled_at = models.DateTimeField(_("starts at"), db_index=True)
    planned_minutes = models.PositiveIntegerField(_("planned length (minutes)"), default=120)
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices,
                              default=SessionStatus.PLANNED)
    script = models.TextField(_("script"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    gmv_target_amount = MoneyField(_("GMV target"), null=True, blank=True, default=None)

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        ordering = ["-scheduled_at", "-id"]
        permissions = [("run_session", _("Can run live sessions")),
                       ("review_session", _("Can review live sessions"))]

    def __str__(self) -> str:
        return f"{self.title} ({self.scheduled_at:%Y-%m-%d})"


class LiveSegment(models.Model):
    """One product's slot in the run sheet."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="segments",
                                verbose_name=_("live session"))
    position = models.PositiveSmallIntegerField(_("place in the run sheet"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("product"))
    sku = models.ForeignKey(Sku, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+", verbose_name=_("SKU"))
    start_minute = models.PositiveIntegerField(_("starts at minute"), default=0)
    minutes = models.PositiveIntegerField(_("minutes"), default=10)
    talking_points = models.TextField(_("talking points"), blank=True)
    # The segment's offers.
    flash_price_amount = MoneyField(_("flash-sale price"), null=True, blank=True, default=None)
    flash_cap = models.PositiveIntegerField(_("flash-sale cap (units)"), null=True, blank=True)
    promotion = models.ForeignKey(Promotion, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("promotion"))
    coupon_template = models.ForeignKey(CouponTemplate, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        verbose_name=_("coupon"))

    class Meta:
        verbose_name = _("live segment")
        verbose_name_plural = _("live segments")
        ordering = ["session_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="live_segment_position"),
            models.CheckConstraint(
                condition=Q(flash_price_amount__isnull=True) | Q(flash_price_amount__gt=0),
                name="live_segment_flash_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.product}"


class MetricSource(models.TextChoices):
    IMPORT = "import", _("imported")
    MANUAL = "manual", _("entered")


class LiveMetric(models.Model):
    """The session's figures for one minute (``minute`` set) or one segment (``segment`` set,
    ``minute`` empty)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="metrics",
                                verbose_name=_("live session"))
    segment = models.ForeignKey(LiveSegment, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="metrics", verbose_name=_("live segment"))
    minute = models.PositiveIntegerField(_("minute"), null=True, blank=True)
    viewers = models.PositiveIntegerField(_("viewers"), default=0)
    peak_concurrent = models.PositiveIntegerField(_("peak concurrent viewers"), default=0)
    avg_watch_seconds = models.PositiveIntegerField(_("average watch time (s)"), default=0)
    interactions = models.PositiveIntegerField(_("interactions"), default=0)
    new_followers = models.PositiveIntegerField(_("new followers"), default=0)
    product_clicks = models.PositiveIntegerField(_("product clicks"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    gmv_amount = MoneyField(_("GMV"), default=0)
    source = models.CharField(_("source"), max_length=8, choices=MetricSource.choices,
                              default=MetricSource.MANUAL)

    class Meta:
        verbose_name = _("live metric")
        verbose_name_plural = _("live metrics")
        ordering = ["session_id", "minute", "segment_id"]
        constraints = [
            models.CheckConstraint(condition=Q(minute__isnull=False) | Q(segment__isnull=False),
                                   name="live_metric_minute_or_segment"),
            models.UniqueConstraint(fields=["session", "minute"], condition=Q(minute__isnull=False),
                                    name="live_metric_one_per_minute"),
            models.UniqueConstraint(fields=["session", "segment"],
                                    condition=Q(minute__isnull=True),
                                    name="live_metric_one_per_segment"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.minute if self.minute is not None else self.segment_id}"


class LiveReview(TimeStampedModel):
    session = models.OneToOneField(LiveSession, on_delete=models.CASCADE, related_name="review",
                                   verbose_name=_("live session"))
    summary = models.TextField(_("summary"), blank=True)
    lessons = models.TextField(_("lessons"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("reviewed by"))

    class Meta:
        verbose_name = _("live review")
        verbose_name_plural = _("live reviews")

    def __str__(self) -> str:
        return str(self.session)


class LiveAction(models.Model):
    """A follow-up of a review: one task (kind ``live_action``) in the tasks app each."""

    review = models.ForeignKey(LiveReview, on_delete=models.CASCADE, related_name="actions",
                               verbose_name=_("live review"))
    text = models.CharField(_("action"), max_length=200)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("assignee"))
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("task"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("live review action")
        verbose_name_plural = _("live review actions")
        ordering = ["review_id", "id"]

    def __str__(self) -> str:
        return self.text
