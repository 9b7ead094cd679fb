"""Integrations: what other systems rely on when they talk to the shop's API — idempotent
writes (``Idempotency-Key``) today; the event catalogue and signed webhooks of issue 20 next."""
