from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import DomainError, InvalidInput, NotFound


class IdempotencyKeyInvalid(DomainError):
    code = "idempotency_key_invalid"
    default_message = _("The Idempotency-Key header must be 1 to %(limit)s printable ASCII characters.")
    http_status = 400


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    default_message = _("This Idempotency-Key was already used for a different request; use a new "
                        "key for a new request.")
    http_status = 422


class WebhookTargetRefused(DomainError):
    code = "webhook_target_refused"
    default_message = _("Webhooks are not sent to %(host)s: it is a loopback, private or reserved "
                        "address (allowed only in development).")
    http_status = 422


class InvalidWebhookEndpoint(DomainError):
    code = "invalid_webhook_endpoint"
    default_message = _("The webhook endpoint is not valid: %(problem)s")
    http_status = 422


class WebhookEndpointNotFound(NotFound):
    code = "webhook_endpoint_not_found"
    default_message = _("There is no webhook endpoint %(id)s.")


class WebhookEventNotFound(NotFound):
    code = "webhook_event_not_found"
    default_message = _("There is no event %(event_id)s.")


class EventTypeNotSubscribed(InvalidInput):
    code = "event_type_not_subscribed"
    default_message = _("The endpoint does not take events of type %(type)s.")


class InvalidReplayRange(InvalidInput):
    code = "invalid_replay_range"
    default_message = _("The start of a replay range must be before its end.")
