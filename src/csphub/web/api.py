"""The REST API under /api/v1/: the one NinjaAPI object, token auth, the error shape, and every
domain's routes.

OpenAPI schema at /api/v1/openapi.json, interactive docs at /api/v1/docs. A record the caller
may not see answers 404, as if it did not exist. Every error, including 404, 405 and 500, has
one JSON shape: ``{"error": {"code": "...", "message": "...", "details": [...]}}``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.core.exceptions import (
    ImproperlyConfigured,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer
from ninja.utils import normalize_path, replace_path_param_notation

from csphub.accounts.models import ApiToken
from csphub.audit.services import Action, Channel, record
from csphub.casereview.api import router as case_reviews
from csphub.casework.api import cases, locations, people, referrals, risk_assessments, tasks
from csphub.cctv.api import router as cctv
from csphub.dialin.api import router as dialin
from csphub.encampments.api import router as encampments  # Encampments
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused, StaleEdit
from csphub.governance.api import router as governance  # ---- Governance ----
from csphub.inbox.api import router as inbox  # Inbox
from csphub.panels.api import router as panels
from csphub.pspo.api import router as pspos  # PSPOs

from .errors import error_body
from .middleware import busy_response, is_busy

log = logging.getLogger("csphub.api")


class TokenAuth(HttpBearer):
    """A bearer token: unknown, revoked or expired (or its user disabled) answers 401; a read
    token on anything but GET answers 403 (audited as a refused change)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if len(token) > 200:
            return None
        found = ApiToken.active(token)
        if found is None:
            return None
        request.user = found.user  # so history rows and audit entries name the caller
        request.api_token = found  # type: ignore[attr-defined]
        if not found.allows(request.method or "GET"):
            request.auth = found.user  # type: ignore[attr-defined]  # the refusal's audit names the caller
            raise PermissionRefused(f"This API token is read-only (scope 'read'): it cannot {request.method}. "
                                    "Ask for a token with scope 'write' to change records.")
        return found.user


class UtcJSONEncoder(NinjaJSONEncoder):
    """Every time in one format: UTC with a ``Z`` (``2026-04-01T11:00:00Z``), whatever the
    zone it was stored or entered in."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            o = (o if timezone.is_aware(o) else timezone.make_aware(o)).astimezone(UTC)
        return super().default(o)


class UtcRenderer(JSONRenderer):
    encoder_class = UtcJSONEncoder


class CsphubAPI(NinjaAPI):
    """NinjaAPI whose 405 (a method the path does not have) and 415 (a body that is not JSON)
    also have the one error shape; ninja itself answers 405 in plain text, outside the
    exception handlers."""

    def _get_urls(self) -> list[Any]:
        patterns = super()._get_urls()
        uploads = self.multipart_routes()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_not_allowed(pattern.callback, uploads.pop(str(pattern.pattern), None))
        if uploads:  # a marked route that no URL pattern matched would silently answer 415
            raise ImproperlyConfigured(f"Multipart routes without a URL pattern: {sorted(uploads)}")
        return patterns

    def multipart_routes(self) -> dict[str, dict[str, frozenset[str]]]:
        """The routes (as Django URL patterns, e.g. ``cases/<case_id>/attachments``) that take
        ``multipart/form-data`` (those marked with csphub.core.api.accepts_multipart): for each
        method, the form and file fields its signature takes, and no others."""
        found: dict[str, dict[str, frozenset[str]]] = {}
        for bound in self._get_bound_routers():
            prefix = replace_path_param_notation(bound.prefix)
            for path, path_view in bound.path_operations.items():
                route = normalize_path("/".join(i for i in (prefix, replace_path_param_notation(path)) if i))
                methods = {m: _form_fields(op) for op in path_view.operations
                           if getattr(op.view_func, "accepts_multipart", False) for m in op.methods}
                if methods:
                    found[route.lstrip("/")] = methods
        return found


def _form_fields(operation: Any) -> frozenset[str]:
    """The names of the form and file fields a ninja operation reads from a multipart body."""
    return frozenset(field.alias or name for model in operation.models
                     if model.__ninja_param_source__ in ("form", "file")
                     for name, field in model.model_fields.items())


WITH_BODY = ("POST", "PUT", "PATCH")
#: The message of every 422 whose details name the fields that did not match.
DID_NOT_MATCH = "The request did not match what was expected."


def _json_or_empty(request: HttpRequest) -> bool:
    """A JSON body, or none at all (a form post with no fields, as a bare POST to an action route
    such as ``/inbox/{id}/read`` may be sent, carries nothing to misread)."""
    media = request.content_type or ""
    if not request.body or media == "application/json" or media.endswith("+json"):
        return True
    if media != "multipart/form-data":
        return False
    try:
        return not request.POST and not request.FILES
    except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        return False  # a body that is not even a well-formed form: not JSON either (415)


def _multipart(request: HttpRequest) -> bool:
    return (request.content_type or "") == "multipart/form-data"


def _unexpected_fields(request: HttpRequest, fields: frozenset[str]) -> list[dict[str, Any]]:
    """What a multipart body sends beyond ``fields``, or more than once: each refused by name,
    never dropped, so a misspelt ``descripton`` or a second file is heard of rather than lost."""
    problems: list[dict[str, Any]] = []
    for source, values in (("form", request.POST), ("file", request.FILES)):
        for name in values:
            given = len(values.getlist(name))
            if name not in fields:
                problems.append({"field": f"{source}.{name}", "message": "Not a field of this route; it takes "
                                 + ", ".join(f"'{f}'" for f in sorted(fields)) + "."})
            elif given > 1:
                problems.append({"field": f"{source}.{name}", "message": f"Given {given} times; send it once."})
    return problems


def _json_not_allowed(view: Any, multipart: dict[str, frozenset[str]] | None = None) -> Any:
    """``view`` answering 405 and 415 in the one error shape; ``multipart`` names the methods
    (of an upload route) that also take ``multipart/form-data``, and the fields each takes."""
    multipart = multipart or {}

    @wraps(view)  # keeps csrf_exempt
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method in multipart:
            if not _multipart(request):
                return _error(request, 415, "unsupported_media_type", "Send the file as Content-Type: "
                              f"multipart/form-data, not {request.content_type or 'none'}.")
            # a body Django cannot parse raises here as it would in the view's own parse
            if unexpected := _unexpected_fields(request, multipart[request.method]):
                return _error(request, 422, "invalid_input", DID_NOT_MATCH, unexpected)
        if request.method in WITH_BODY and request.method not in multipart and not _json_or_empty(request):
            return _error(request, 415, "unsupported_media_type", "The body must be JSON sent as Content-Type: "
                          f"application/json, not {request.content_type or 'none'}.")
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = _error(request, 405, "method_not_allowed",
                              f"{request.method} is not allowed here; allowed: {allowed}.")
            response["Allow"] = allowed
        return response

    return wrapper


api = CsphubAPI(title="CSP Hub API", version="1", description=__doc__, auth=TokenAuth(), renderer=UtcRenderer(),
                urls_namespace="api-v1", docs_url="/docs")


def _error(request: HttpRequest, status: int, code: str, message: str,
           details: list[dict[str, Any]] | None = None) -> HttpResponse:
    return api.create_response(request, error_body(code, message, details), status=status)


@api.exception_handler(NotFoundError)
def _not_found(request: HttpRequest, exc: NotFoundError) -> HttpResponse:
    return _error(request, 404, "not_found", str(exc))


@api.exception_handler(Http404)
def _http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(PermissionRefused)
def _refused(request: HttpRequest, exc: PermissionRefused) -> HttpResponse:
    record(getattr(request, "auth", None), Action.REFUSED, "api", request.path, channel=Channel.API,
           purpose="change refused", summary=type(exc).__name__)
    return _error(request, 403, "permission_refused", str(exc))


@api.exception_handler(StaleEdit)
def _stale(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
    return _error(request, 409, "stale_edit", exc.reason)


@api.exception_handler(RuleRefused)
def _rule(request: HttpRequest, exc: RuleRefused) -> HttpResponse:
    details = [{"rule": exc.rule, "message": exc.reason, "field": exc.field}]
    details += [{"rule": r, "message": m, "field": f} for r, m, f in exc.others]
    return _error(request, 422, exc.rule, exc.reason, details)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    return _error(request, 422, "invalid_input", DID_NOT_MATCH, details)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "Send a valid API token: 'Authorization: Bearer <token>'.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    if is_busy(exc):
        return busy_response(request)
    log.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, "server_error", "Something went wrong on our side; it has been logged.")


api.add_router("/cases", cases)
api.add_router("/referrals", referrals)
api.add_router("/tasks", tasks)
api.add_router("/people", people)
api.add_router("/risk-assessments", risk_assessments)
api.add_router("/locations", locations)
api.add_router("/panels", panels)
api.add_router("/case-reviews", case_reviews)
api.add_router("/cctv", cctv)

api.add_router("/governance", governance)  # ---- Governance ----

api.add_router("/encampments", encampments)  # Encampments
api.add_router("/pspos", pspos)  # PSPOs

api.add_router("/dial-in", dialin)  # ---- Daily Dial In ----
api.add_router("/inbox", inbox)  # Inbox
