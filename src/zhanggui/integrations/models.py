"""The first answer to each ``Idempotency-Key`` a caller sent, kept until it expires; the
webhook endpoints, their deliveries of the outbox's events and each delivery's attempts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.core.fields import EncryptedCharField


class IdempotencyKey(models.Model):
    """One caller's key (``scope``: a digest of its bearer token, or its staff account when it
    calls with the console session) and the request it was first sent with (``fingerprint``:
    method, path, query and body). ``status_code`` is null while that request runs in the
    transaction that holds this row; then the answer is stored in the same transaction."""

    scope = models.CharField(_("caller"), max_length=80)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    method = models.CharField(_("request method"), max_length=10)
    path = models.CharField(_("request path"), max_length=500)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    location = models.CharField(_("Location header"), max_length=500, blank=True)
    body = models.BinaryField(_("response body"), default=bytes)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_per_caller")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class WebhookEndpoint(models.Model):
    """A receiver of the shop's events: its URL, the event types it takes (empty: every type)
    and the secret its deliveries are signed with (Standard Webhooks, ``whsec_…``). Turned off
    once it has failed ``ZHANGGUI_WEBHOOK_DISABLE_AFTER_FAILURES`` attempts in a row over at
    least ``ZHANGGUI_WEBHOOK_DISABLE_AFTER_HOURS`` (a receiver down for minutes under heavy
    traffic fails many attempts in a row, and is only retried)."""

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("what it is for"), max_length=200, blank=True)
    event_types = models.JSONField(_("event types"), default=list, blank=True)
    secret = EncryptedCharField(_("signing secret"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("disabled because"), max_length=200, blank=True)
    failure_streak = models.PositiveIntegerField(_("failures in a row"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or self.url

    def takes(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Gave up")


class WebhookDelivery(models.Model):
    """One event for one endpoint: sent until a 2xx answer, retried with backoff, given up
    after ``ZHANGGUI_WEBHOOK_RETRY_HOURS``. A replay sends it again under the same event id."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries",
                                 verbose_name=_("endpoint"))
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("event"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    first_attempt_at = models.DateTimeField(_("first attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="one_delivery_per_event")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log",
                                 verbose_name=_("delivery"))
    attempted_at = models.DateTimeField(_("attempted at"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    response_excerpt = models.CharField(_("response excerpt"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.attempted_at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
