"""``Idempotency-Key`` on the API's POST requests (docs/integrations.md).

A POST under ``/api/`` with the header runs in one transaction with its key
(``actions.claim``): the first request acts and its answer is kept with the key; a repeat with
the same key and the same request gets that answer again (``Idempotent-Replayed: true``)
without acting; the same key with another request is refused (422
``idempotency_key_reused``). Keys belong to the caller (its token, or its console session's
account) and expire after ``ZHANGGUI_IDEMPOTENCY_KEY_HOURS``. The database holds them, so
this holds across web processes.
"""

import hashlib

from django.core.exceptions import RequestDataTooBig
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from zhanggui.core.errors import DomainError
from zhanggui.integrations import actions, errors, rules

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/"


class _RolledBack(Exception):
    """A server error: leaves the request's transaction with a rollback (the key is not kept,
    and nothing the request wrote before it failed stays), carrying the answer out."""

    def __init__(self, response: HttpResponse):
        self.response = response


def _error(error: DomainError) -> JsonResponse:
    return JsonResponse({"code": error.code, "message": str(error)}, status=error.http_status,
                        json_dumps_params={"ensure_ascii": False})


def _staff_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _content(request: HttpRequest) -> bytes:
    """What identifies the request's body: the bytes themselves, except for a multipart form,
    whose boundary a client draws anew for each retry — there its fields and the digest of
    each file, in order (the files are read and rewound; the view reads them after)."""
    if request.content_type != "multipart/form-data":
        return request.body
    parts = [f"{name}={value}".encode() for name, values in sorted(request.POST.lists())
             for value in values]
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            parts.append(f"{name}:{upload.name}:{digest.hexdigest()}".encode())
    return b"\n".join(parts)


def _replay(record) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status_code,
                            content_type=record.content_type or None)
    if record.location:
        response["Location"] = record.location
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get(HEADER)
        if header is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            key = rules.parse_key(header)
        except ValueError:
            return _error(errors.IdempotencyKeyInvalid(limit=rules.KEY_LIMIT))
        scope = rules.scope(request.headers.get("Authorization"), _staff_id(request))
        if scope is None:  # not authenticated: the API refuses it, nothing to remember
            return self.get_response(request)
        try:
            content = _content(request)
        except RequestDataTooBig:  # the API answers 413 and acts on nothing
            return self.get_response(request)
        fingerprint = rules.fingerprint(request.method, request.path,
                                        request.META.get("QUERY_STRING", ""), content)
        try:
            with transaction.atomic():
                record = actions.claim(scope=scope, key=key, fingerprint=fingerprint,
                                       method=request.method, path=request.path,
                                       now=timezone.now())
                if record.status_code is not None:
                    return _replay(record)
                response = self.get_response(request)
                if response.status_code >= 500 or connection.needs_rollback:
                    raise _RolledBack(response)
                if rules.is_kept(response.status_code) and not response.streaming:
                    actions.keep_answer(record, status_code=response.status_code,
                                        content_type=response.get("Content-Type", ""),
                                        location=response.get("Location", ""),
                                        body=response.content)
                else:  # not acted on (credentials, permission, throttling): a retry acts
                    actions.forget(record)
                return response
        except _RolledBack as rolled_back:
            return rolled_back.response
        except errors.IdempotencyKeyReused as error:
            return _error(error)
