"""Signals of the outbox, for the layers above it (webhooks) to react without being imported
by the apps that write events."""

from django.dispatch import Signal

# Sent after the commit of a transaction that wrote events (never for one that rolled back).
# No arguments besides ``sender`` (the Event model): receivers read the outbox themselves.
events_committed = Signal()
