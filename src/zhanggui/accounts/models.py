"""Staff accounts, their sessions and API tokens, and the append-only operation log."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.core.models import ChangeTimeModel


class Staff(AbstractUser, ChangeTimeModel):
    """A member of the store's team. Roles are Django groups (see ``roles.py``)."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    lead = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports",
        verbose_name=_("lead"),
        help_text=_("Overdue tasks of this staff member are escalated to the lead."))

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.display_name or self.username


class StaffSession(AbstractBaseSession):
    """A login session, linked to its staff member so that deactivation can end it."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="sessions", verbose_name=_("staff member"),
    )

    @classmethod
    def get_session_store_class(cls):
        from zhanggui.accounts.sessions import SessionStore

        return SessionStore

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")


class ApiToken(ChangeTimeModel):
    """A bearer token for an integration. Only a SHA-256 digest of the secret is stored."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
        verbose_name=_("staff member"),
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OperationLog(models.Model):
    """One entry per action: who did what to which object, with before/after values.

    Append-only: rows are never updated or deleted by the application.
    """

    SYNC_FIELD = "created_at"  # the API's incremental sync (core.sync): written at that time

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("operation log entry")
        verbose_name_plural = _("operation log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "created_at"]),
            # The console's log searches an object by its name's beginning or by its id.
            models.Index(fields=["object_repr"], name="operationlog_repr_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["object_id"], name="operationlog_object_id"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("the operation log is append-only")
        super().save(*args, **kwargs)


class SecurityPolicy(models.Model):
    """The shop's access rules that the owner sets in the console (one row)."""

    owner_requires_second_factor = models.BooleanField(
        _("owner must use two-step verification"), default=False,
        help_text=_("Staff with the owner role must set up an authenticator app before they "
                    "can use the console."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")

    def __str__(self) -> str:
        return str(_("Security policy"))


class AlertKind(models.TextChoices):
    LOCKOUT = "lockout", _("Login locked out")
    REFUND = "refund", _("Large refund")
    BULK_PRICE_CHANGE = "bulk_price_change", _("Bulk price change")
    ROLE_CHANGE = "role_change", _("Role or permission change")
    CUSTOMER_EXPORT = "customer_export", _("Customer data export")
    TASK_OVERDUE = "task_overdue", _("Task overdue")
    FEED_STALE = "feed_stale", _("Supplier stock feed stale")
    DROPSHIP_ROI_LOW = "dropship_roi_low", _("Drop-ship ROI below the floor")
    WEBHOOK_DISABLED = "webhook_disabled", _("Webhook endpoint turned off")


class Alert(models.Model):
    """A risky operation the owner should know about: shown under the console's bell and,
    when mail is configured, sent by e-mail."""

    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices, db_index=True)
    message = models.CharField(_("message"), max_length=300)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("caused by"),
    )
    created_at = models.DateTimeField(_("time"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("read by"),
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["read_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
