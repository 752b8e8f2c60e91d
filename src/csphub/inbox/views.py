"""Inbox pages: the list, opening an item (marks it read, goes to the record), marking all read,
and each user's email choice. Views parse, call one service, render; every page is wrapped in
the page decorator by csphub.web.urls."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .forms import NotificationForm


def inbox_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.inbox(request.user, purpose="inbox page"), 25).get_page(request.GET.get("page"))
    unread = sum(1 for item in page if not item.is_read)
    return render(request, "inbox/inbox.html", {"title": "Inbox", "page": page, "unread_on_page": unread})


def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    item = services.open_item(request.user, pk)
    # Links are made by CSP Hub itself; a stored link that is not a path on this site is not followed.
    if not url_has_allowed_host_and_scheme(item.link, allowed_hosts=None) or not item.link.startswith("/"):
        return redirect("inbox")
    return redirect(item.link)


@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(request, f"{count} item{'' if count == 1 else 's'} marked as read.")
    return redirect("inbox")


def notifications(request: HttpRequest) -> HttpResponse:
    form = NotificationForm(request.POST or None, initial={"email": services.email_choice(request.user)})
    if request.method == "POST" and form.is_valid():
        services.set_email_choice(request.user, form.cleaned_data["email"])
        messages.success(request, "Your email choice is saved.")
        return redirect("account-notifications")
    return render(request, "inbox/notifications.html", {"title": "Email notifications", "form": form})
