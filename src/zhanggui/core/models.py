"""Base models shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeTimeModel(models.Model):
    """Adds an indexed ``updated_at``, set by every ``save()``: the API's incremental sync
    (``core.sync``) and the analytics sync follow it. An ``UPDATE`` that skips ``save()``
    (``QuerySet.update``, ``bulk_update``) sets it itself."""

    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class TimeStampedModel(ChangeTimeModel):
    """Adds ``created_at`` to ``ChangeTimeModel``'s ``updated_at``."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True


class RecordTimeModel(models.Model):
    """An append-only row whose own time may lie in the past (an import writes history):
    ``recorded_at`` is when the row was written, and the API's incremental sync follows it."""

    SYNC_FIELD = "recorded_at"
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
