"""Domain events: the catalogue (``catalogue.py``: each event type, its version and the JSON
schema of its data) and the outbox (``models.Event``), written by the actions of every app in
the transaction of the change that causes them (docs/events.md)."""
