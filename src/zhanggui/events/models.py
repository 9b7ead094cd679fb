"""The outbox of domain events."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One domain event, written in the same transaction as the change that caused it: a
    change that rolls back leaves no event, and a committed change always has its event.
    ``event_id`` is the stable id receivers deduplicate on; ``id`` orders the events as they
    were written."""

    event_id = models.UUIDField(_("event id"), unique=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("event type"), max_length=60, db_index=True)
    version = models.PositiveSmallIntegerField(_("schema version"))
    subject_type = models.CharField(_("subject type"), max_length=40)
    subject_id = models.CharField(_("subject id"), max_length=64)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    data = models.JSONField(_("data"))
    # When the webhook dispatcher fanned the event out to the subscribed endpoints (null: not
    # yet — a committed event is always picked up, whatever order the transactions committed in).
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        ordering = ["id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="event_subject"),
                   models.Index(fields=["id"], condition=models.Q(dispatched_at=None),
                                name="event_not_dispatched")]

    def __str__(self) -> str:
        return f"{self.type} {self.subject_type}:{self.subject_id}"
