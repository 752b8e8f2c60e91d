"""The page decorator every page gets from the URL map (csphub.web.urls), so none can forget it.

Sign-in required; a record the user may not see is a 404 (already audited as refused by
csphub.access.reads); a refused change is a 403 page saying why (audited); a rule that refuses
a change the view did not put on a form (an action button: "mark done" pressed twice) is a 422
page saying why, never a server error; pages are never cached, as most show personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers

from csphub.audit.services import Action, Channel, record
from csphub.core.models import SubmittedForm
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused, StaleEdit


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = _once(request, lambda: view(request, *args, **kwargs))
        except NotFoundError as e:
            raise Http404(str(e)) from e
        except PermissionRefused as e:
            record(request.user, Action.REFUSED, "page", request.path, channel=Channel.WEB,
                   purpose="change refused", summary=type(e).__name__)
            response = render(request, "casework/refused.html", {"reason": str(e), "title": "You cannot do this"},
                              status=403)
        except StaleEdit as e:
            response = render(request, "casework/refused.html", {"reason": str(e), "title": "This record has changed",
                                                                 "rule": True}, status=409)
        except RuleRefused as e:
            response = render(request, "casework/refused.html", {"reason": str(e), "title": "This was not done",
                                                                 "rule": True}, status=422)
        add_never_cache_headers(response)
        return response

    wrapper.csphub_page = True  # type: ignore[attr-defined]
    return wrapper


def _once(request: HttpRequest, run: Callable[[], HttpResponse]) -> HttpResponse:
    """Run a POST once per form key. A form sent again answers with the first one's result (or
    back to the form, if the first is still being saved); a form that came back with errors does
    not use its key up."""
    key = request.POST.get("form_key", "")[:64] if request.method == "POST" else ""
    if not key:
        return run()
    try:
        with transaction.atomic():
            marker = SubmittedForm.objects.create(key=key, user=request.user, path=request.path[:300])
    except IntegrityError:
        first = SubmittedForm.objects.filter(key=key, user=request.user).first()
        messages.info(request, "That form was sent twice; it was saved once.")
        return redirect(first.result_url if first and first.result_url else request.path)
    try:
        response = run()
    except BaseException:
        SubmittedForm.objects.filter(pk=marker.pk).delete()
        raise
    if response.status_code in (301, 302, 303):
        SubmittedForm.objects.filter(pk=marker.pk).update(result_url=response["Location"][:300])
    else:  # shown again (errors, a refusal): the form may be corrected and sent with the same key
        SubmittedForm.objects.filter(pk=marker.pk).delete()
    return response
