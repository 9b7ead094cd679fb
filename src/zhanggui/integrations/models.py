"""The first answer to each ``Idempotency-Key`` a caller sent, kept until it expires."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
