"""The page decorator every page gets from the URL map (csphub.web.urls), so none can forget it.

Sign-in required; a record the user may not see is a 404 (already audited as refused by
csphub.access.reads); a refused change is a 403 page saying why (audited); pages are never
cached, as most show personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from csphub.audit.services import Action, Channel, record
from csphub.errors import NotFoundError, PermissionRefused


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except NotFoundError as e:
            raise Http404(str(e)) from e
        except PermissionRefused as e:
            record(request.user, Action.REFUSED, "page", request.path, channel=Channel.WEB,
                   purpose="change refused", summary=type(e).__name__)
            response = render(request, "casework/refused.html", {"reason": str(e), "title": "You cannot do this"},
                              status=403)
        add_never_cache_headers(response)
        return response

    wrapper.csphub_page = True  # type: ignore[attr-defined]
    return wrapper
