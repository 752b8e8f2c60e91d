"""Inbox routes of the API: the caller's items (with the total and the unread count) and marking
one read. Items hold no personal data; the records they link to are read through their own routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from csphub.core.api import API, ERRORS, Id, ListParams, Page, page

from . import services
from .models import InboxItem

router = Router(tags=["inbox"])


class InboxItemOut(Schema):
    id: int
    kind: str
    title: str
    link: str
    object_type: str
    object_id: str
    created_at: datetime
    read: bool


class InboxOut(Page[InboxItemOut]):
    unread: int


def item_out(item: InboxItem) -> dict[str, Any]:
    return {"id": item.pk, "kind": item.kind, "title": item.title, "link": item.link,
            "object_type": item.object_type, "object_id": item.object_id, "created_at": item.created_at,
            "read": bool(getattr(item, "is_read", False))}


@router.get("/", response={200: InboxOut, **ERRORS}, summary="The caller's inbox: unread first, newest first")
def list_inbox(request: HttpRequest, params: Query[ListParams]) -> Any:
    inbox = services.inbox_page(request.auth, params.window(), channel=API)
    return {**page(request, inbox.found, [item_out(i) for i in inbox.found.rows]), "unread": inbox.unread}


@router.post("/{item_id}/read", response={200: InboxItemOut, **ERRORS}, summary="Mark one item read (for the caller)")
def read_item(request: HttpRequest, item_id: Id) -> Any:
    return item_out(services.open_item(request.auth, item_id, channel=API))
