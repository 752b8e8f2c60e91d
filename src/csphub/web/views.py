"""Pages of the web layer itself: the audit log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csphub.access.reads import audit_log


def audit_page(request: HttpRequest) -> HttpResponse:
    username = request.GET.get("user", "").strip()[:150]
    entries = audit_log(request.user, username=username or None, purpose="audit page")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "casework/audit.html", {"title": "Audit log", "page": page, "username": username})
