"""CORS for the one endpoint a storefront page calls: ``POST /api/v1/traffic/events``.

Origins allowed in ``settings.ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS`` get the CORS headers and
an answer to the preflight (``OPTIONS``). A browser request from any other origin is
refused with 403 before it reaches the view: a storefront's key is public, so the origin
check keeps other sites from sending events with it. Requests without an ``Origin``
header (servers, curl) are not affected. No other path gets CORS headers.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

INGEST_PATH = "/api/v1/traffic/events"
ALLOWED_METHODS = "POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type, Authorization"
PREFLIGHT_MAX_AGE = "86400"


def origin_allowed(origin: str, request: HttpRequest) -> bool:
    allowed = getattr(settings, "ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS", [])
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or "*" in allowed or origin in allowed


class IngestCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = request.headers.get("Origin")
        if request.path != INGEST_PATH or origin is None:
            return self.get_response(request)
        if not origin_allowed(origin, request):
            return JsonResponse({"code": "origin_not_allowed",
                                 "message": _("This site may not send events here.")},
                                status=403)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = origin
        patch_vary_headers(response, ("Origin",))
        return response
