"""The review queue of likely duplicates: merge, confirm a merge across agencies, reject, un-merge."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from csphub.errors import RuleRefused

from . import services


def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("decision") == "reject":
                services.reject(user, post.get("match", ""))
                messages.success(request, "Marked as different people")
            elif post.get("decision") in ("keep_a", "keep_b"):
                done = services.merge(user, post.get("match", ""), keep=post["decision"][-1])
                messages.success(request, f"Merge asked of {done.awaiting_agency}: nothing moves until they confirm"
                                 if done.awaiting_agency_id else "Merged; you can undo this below")
            elif post.get("confirm"):
                services.confirm_merge(user, post["confirm"])
                messages.success(request, "Merge confirmed")
            elif post.get("unmerge"):
                services.unmerge(user, post["unmerge"])
                messages.success(request, "Un-merged: both records are back as they were")
        except RuleRefused as e:
            messages.error(request, e.reason)
        return redirect("people-matches")
    return render(request, "people/queue.html", {"title": "Possible duplicate people",
                                                 "matches": services.review_queue(user),
                                                 "merges": services.merge_list(user)})
