"""The review queue of likely duplicates: merge, reject, un-merge."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from csphub.casework import permissions as casework_permissions
from csphub.casework.views import casework_view
from csphub.errors import PermissionRefused, RuleRefused

from . import services
from .models import PersonMerge


@casework_view
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not casework_permissions.can_see_person_details(user):
        raise PermissionRefused("Matching people is for officers and supervisors.")
    if request.method == "POST":
        try:
            match_id = int(request.POST.get("match", 0))
            if request.POST.get("decision") == "reject":
                services.reject(user, match_id)
                messages.success(request, "Marked as different people")
            elif request.POST.get("decision") in ("keep_a", "keep_b"):
                services.merge(user, match_id, keep=request.POST["decision"][-1])
                messages.success(request, "Merged; you can undo this below")
            elif request.POST.get("unmerge"):
                services.unmerge(user, int(request.POST["unmerge"]))
                messages.success(request, "Un-merged: both records are back as they were")
        except (RuleRefused, ValueError) as e:
            messages.error(request, str(e))
        return redirect("people-matches")
    visible = casework_permissions.visible_people(user)
    merges = PersonMerge.objects.filter(unmerged_on__isnull=True, kept__in=visible).select_related("kept", "merged")[:50]
    return render(request, "people/queue.html", {"title": "Possible duplicate people",
                                                 "matches": services.review_queue(user)[:100], "merges": merges})
