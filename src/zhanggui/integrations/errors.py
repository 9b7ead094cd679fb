from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import DomainError


class IdempotencyKeyInvalid(DomainError):
    code = "idempotency_key_invalid"
    default_message = _("The Idempotency-Key header must be 1 to %(limit)s printable ASCII characters.")
    http_status = 400


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    default_message = _("This Idempotency-Key was already used for a different request; use a new "
                        "key for a new request.")
    http_status = 422

