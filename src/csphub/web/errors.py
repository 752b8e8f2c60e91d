"""The one error shape, and the site's 404/500 answers: JSON under /api/, GOV.UK pages elsewhere."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return render(request, "errors/404.html", {"title": "Page not found"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("server_error", "Something went wrong on our side; it has been logged."),
                            status=500)
    # No request context: the failure may be in a context processor.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render({"title": "Sorry, there is a problem"}),
                        status=500)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("permission_refused", "You cannot do this."), status=403)
    return render(request, "casework/refused.html", {"title": "You cannot do this",
                                                     "reason": "You do not have permission to do this."}, status=403)
