"""The NinjaAPI: mounts each app's router under ``/api/v1``; docs at ``/api/docs``.

Errors are always JSON ``{"code": ..., "message": ...}`` in the request's language
(``Accept-Language``; default Chinese).
"""

import json
import re

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from zhanggui.accounts.api import router as accounts_router
from zhanggui.accounts.api_auth import StaffSessionAuth, TokenAuth
from zhanggui.aftersales.api import router as aftersales_router
from zhanggui.analytics.api import router as analytics_router
from zhanggui.analytics.api_experiments import router as experiment_results_router
from zhanggui.analytics.api_segments import router as segment_preview_router
from zhanggui.catalog.api import router as catalog_router
from zhanggui.channels.api import router as channels_router
from zhanggui.channels.api_sync import router as channels_sync_router
from zhanggui.core.errors import DomainError
from zhanggui.customers.api import router as customers_router
from zhanggui.customers.api_points import router as customers_points_router
from zhanggui.customers.api_segments import router as customers_segments_router
from zhanggui.fulfillment.api import router as fulfillment_router
from zhanggui.fulfillment.api_dropship import router as fulfillment_dropship_router
from zhanggui.fulfillment.api_parcels import router as fulfillment_parcels_router
from zhanggui.fulfillment.api_tracking import router as fulfillment_tracking_router
from zhanggui.fulfillment.api_waves import router as fulfillment_waves_router
from zhanggui.imports.api import router as imports_router
from zhanggui.insights.api_anomalies import router as insights_anomalies_router
from zhanggui.insights.api_basket import router as insights_basket_router
from zhanggui.insights.api_briefing import router as insights_briefing_router
from zhanggui.insights.api_recommend import router as insights_recommend_router
from zhanggui.insights.api_simulation import router as insights_simulation_router
from zhanggui.integrations.api import router as webhooks_router
from zhanggui.inventory.api import router as inventory_router
from zhanggui.inventory.api_feed import router as inventory_feed_router
from zhanggui.inventory.api_forecast import router as inventory_forecast_router
from zhanggui.listing.api import router as listing_router
from zhanggui.live.api import router as live_router
from zhanggui.marketing.api import router as marketing_router
from zhanggui.marketing.api_campaigns import router as campaigns_router
from zhanggui.marketing.api_experiments import router as experiments_router
from zhanggui.orders.api import router as orders_router
from zhanggui.orders.review_api import callbacks_router as payment_callbacks_router
from zhanggui.orders.review_api import router as review_router
from zhanggui.pricing.api import router as pricing_router
from zhanggui.pricing.api_membership import router as pricing_membership_router
from zhanggui.service.api import router as service_router
from zhanggui.suppliers.api import router as suppliers_router
from zhanggui.suppliers.api_replenishment import router as suppliers_replenishment_router
from zhanggui.tasks.api import router as tasks_router
from zhanggui.team.api import router as team_router
from zhanggui.traffic.api import router as traffic_router

# Text no database column can hold: PostgreSQL refuses NUL, and an unpaired surrogate (a
# JSON escape like "\ud800") cannot be encoded as UTF-8 for any database.
UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")


def _unstorable_text(value, location: tuple) -> list[dict]:
    """Where ``value`` (parsed JSON or query parameters) holds text no database can store."""
    if isinstance(value, str):
        return ([{"type": "string_unstorable", "loc": list(location),
                  "msg": "Text may not contain NUL characters or unpaired surrogates"}]
                if UNSTORABLE_TEXT.search(value) else [])
    if isinstance(value, dict):
        return [error for key, item in value.items()
                for error in _unstorable_text(key, location) + _unstorable_text(item, (*location, key))]
    if isinstance(value, list):
        return [error for index, item in enumerate(value)
                for error in _unstorable_text(item, (*location, index))]
    return []


class InputParser(Parser):
    """JSON bodies and query strings, refusing text no database can store (422)."""

    def parse_body(self, request):
        data = json.loads(request.body)
        errors = _unstorable_text(data, ("body",))
        if errors:
            raise ValidationError(errors)
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        errors = _unstorable_text(parsed, ("query",))
        if errors:
            raise ValidationError(errors)
        return parsed


api = NinjaAPI(
    title="Zhanggui API", version="1", docs_url="/docs", urls_namespace="api",
    auth=[TokenAuth(), StaffSessionAuth()], parser=InputParser(),
    description="Zhanggui (掌柜) store operations API. Authenticate with the console session "
                "or `Authorization: Bearer <token>`. Every POST accepts an `Idempotency-Key` "
                "header: a repeat with the same key and request answers the first answer "
                "(`Idempotent-Replayed: true`) without acting again; the same key with another "
                "request is refused (422 `idempotency_key_reused`); keys expire after 24 hours. "
                "Every list (but the computed price-conflicts report) takes `updated_after` "
                "and then the `cursor` it answered with "
                "(`next_cursor`) for an incremental sync: the rows changed since, oldest change "
                "first, e.g. `GET /api/v1/orders?updated_after=2026-12-01T00:00:00%2B08:00` then "
                "`GET /api/v1/orders?cursor=<next_cursor>` until `has_more` is false; keep the "
                "last cursor for the next visit (docs/api-sync.md).",
)


def _error(request, code: str, message: str, status: int, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra},
                               status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return _error(request, exc.code, str(exc), exc.http_status)


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request, exc):
    return _error(request, "not_authenticated", _("Authentication is required."), 401)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, "permission_denied",
                  _("You do not have permission to do this."), 403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, "not_found", _("The object was not found."), 404)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return _error(request, "invalid_input", _("The input is not valid."), 422,
                  errors=exc.errors)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # Ninja turns any failure of the body parser into "400 Cannot parse request body".
    if isinstance(exc.__cause__, ValidationError):
        return on_validation_error(request, exc.__cause__)
    if isinstance(exc.__cause__, ValueError | RecursionError):  # not JSON, not UTF-8, too deep
        return _error(request, "malformed_json", _("The request body is not valid JSON."), 400)
    return _error(request, "http_error", str(exc), exc.status_code)


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
def on_request_too_large(request, exc):
    # Raised when the body is read: above DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), or more query
    # parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS.
    return _error(request, "request_too_large", _("The request is too large."), 413)


V1 = "/v1"
api.add_router(f"{V1}/accounts", accounts_router, tags=["accounts"])
api.add_router(f"{V1}/catalog", catalog_router, tags=["catalog"])
api.add_router(f"{V1}/inventory", inventory_router, tags=["inventory"])
api.add_router(f"{V1}/inventory", inventory_forecast_router, tags=["inventory"])
api.add_router(f"{V1}/listing", listing_router, tags=["listing"])
# Segments (the preview runs in the warehouse, so analytics serves it under the same prefix).
api.add_router(f"{V1}/customers/segments", segment_preview_router, tags=["customers"])
api.add_router(f"{V1}/customers/segments", customers_segments_router, tags=["customers"])
api.add_router(f"{V1}/customers", customers_router, tags=["customers"])
api.add_router(f"{V1}/customers", customers_points_router, tags=["customers"])  # points
# Before the orders router, whose /{order_id} would take these paths.
api.add_router(f"{V1}/orders/review", review_router, tags=["orders"])
api.add_router(f"{V1}/orders/payment-callbacks", payment_callbacks_router, tags=["orders"])
api.add_router(f"{V1}/orders", orders_router, tags=["orders"])
api.add_router(f"{V1}/pricing", pricing_router, tags=["pricing"])
api.add_router(f"{V1}/pricing", pricing_membership_router, tags=["pricing"])  # membership
api.add_router(f"{V1}/fulfillment", fulfillment_router, tags=["fulfillment"])
api.add_router(f"{V1}/fulfillment", fulfillment_parcels_router, tags=["fulfillment"])
api.add_router(f"{V1}/fulfillment", fulfillment_tracking_router, tags=["fulfillment"])
api.add_router(f"{V1}/fulfillment", fulfillment_waves_router, tags=["fulfillment"])
api.add_router(f"{V1}/aftersales", aftersales_router, tags=["aftersales"])
api.add_router(f"{V1}/imports", imports_router, tags=["imports"])
api.add_router(f"{V1}/traffic", traffic_router, tags=["traffic"])
api.add_router(f"{V1}/analytics", analytics_router, tags=["analytics"])
api.add_router(f"{V1}/tasks", tasks_router, tags=["tasks"])
# Before any suppliers router with a /{id} path, which would take /reorder-list.
api.add_router(f"{V1}/suppliers", suppliers_replenishment_router, tags=["suppliers"])
api.add_router(f"{V1}/suppliers", suppliers_router, tags=["suppliers"])
api.add_router(f"{V1}/fulfillment", fulfillment_dropship_router, tags=["fulfillment"])
api.add_router(f"{V1}/inventory", inventory_feed_router, tags=["inventory"])
api.add_router(f"{V1}/marketing", marketing_router, tags=["marketing"])
api.add_router(f"{V1}/marketing", experiments_router, tags=["marketing"])  # A/B tests
api.add_router(f"{V1}/marketing", experiment_results_router, tags=["marketing"])
api.add_router(f"{V1}/marketing", campaigns_router, tags=["marketing"])  # campaigns, outbox
api.add_router(f"{V1}/service", service_router, tags=["service"])
api.add_router(f"{V1}/insights", insights_briefing_router, tags=["insights"])  # daily briefing
api.add_router(f"{V1}/insights", insights_anomalies_router, tags=["insights"])  # KPI anomalies
api.add_router(f"{V1}/insights", insights_simulation_router, tags=["insights"])  # simulations
api.add_router(f"{V1}/insights/basket", insights_basket_router, tags=["insights"])
api.add_router(f"{V1}/insights/recommendations", insights_recommend_router, tags=["insights"])
# Stock sync first: the channels router's /{channel_id} would take its paths.
api.add_router(f"{V1}/channels", channels_sync_router, tags=["channels"])
api.add_router(f"{V1}/channels", channels_router, tags=["channels"])
api.add_router(f"{V1}/live", live_router, tags=["live"])
api.add_router(f"{V1}/team", team_router, tags=["team"])
api.add_router(f"{V1}/webhooks", webhooks_router, tags=["webhooks"])
