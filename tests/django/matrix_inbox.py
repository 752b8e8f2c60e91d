"""Permission matrix rows for the partner inbox (see matrix_kit).

The world's referral to Housing (the "referred" agency) put an item in Housing's inbox. Officers
and supervisors of Housing see it and open it; everyone else, including Housing's analyst and
admin, is answered 404 (audited as a refused read of that inbox item). The inbox list and the
email choice are for every signed-in user (the list of a user with no items is empty).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from csphub.inbox.models import InboxItem

from .matrix_kit import Exercise, Shown, World, href


def add_records(world: World) -> None:
    world.records["inbox_referral"] = InboxItem.objects.get(kind=InboxItem.Kind.REFERRAL, object_type="referral",
                                                            object_id=str(world.pk("referral")))


def _api_item(response: HttpResponse, record: Any) -> bool:
    return record.pk in [item["id"] for item in response.json()["items"]]


RULES: dict[str, Any] = {}

ITEM = {"pk": "inbox_referral"}

PAGES: dict[str, tuple[Exercise, ...]] = {
    "/inbox/": (Exercise("signed_in", shown=(
        Shown("referred_to", "inbox_item", "inbox_referral", href("/inbox/{pk}/")),)),),
    "/inbox/<int:pk>/": (Exercise("referred_to", params=ITEM, refused="inbox_item", ok=302),),
    "/inbox/read/": (Exercise("signed_in", "post", body=lambda w: {}),),
    "/account/notifications/": (
        Exercise("signed_in"),
        Exercise("signed_in", "post", body=lambda w: {"email": "daily"}),
    ),
}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {
    "GET /api/v1/inbox/": (Exercise("signed_in", shown=(
        Shown("referred_to", "inbox_item", "inbox_referral", _api_item),)),),
    "POST /api/v1/inbox/{item_id}/read": (Exercise("referred_to", params={"item_id": "inbox_referral"},
                                                   refused="inbox_item", ok=200),),
}
