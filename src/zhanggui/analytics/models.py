"""The analytics app keeps its data in the warehouse (Parquet, see ``storage``); the database
only records the warehouse runs and carries the report permissions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunKind(models.TextChoices):
    REBUILD = "rebuild", _("rebuild")
    REFRESH = "refresh", _("refresh")


class WarehouseRun(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    version = models.PositiveIntegerField(_("version"))
    seconds = models.DecimalField(_("seconds"), max_digits=10, decimal_places=3)
    rows = models.JSONField(_("rows read"), default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", verbose_name=_("actor"))
    finished_at = models.DateTimeField(_("finished at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("warehouse run")
        verbose_name_plural = _("warehouse runs")
        ordering = ["-finished_at", "-id"]
        permissions = [
            ("view_reports", _("Can view analytics reports")),
            ("refresh_warehouse", _("Can refresh the analytics warehouse")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"
