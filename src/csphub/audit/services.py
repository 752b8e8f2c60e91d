"""Writing audit entries: the one function every page, API route and command calls."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import AuditEntry

Action = AuditEntry.Action
Channel = AuditEntry.Channel


def record(
    user: Any,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    channel: str = Channel.WEB,
    summary: str = "",
) -> AuditEntry:
    """Write one audit entry. ``user`` may be None for system jobs (retention, the CLI)."""
    membership = getattr(user, "membership", None) if user is not None else None
    return AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "system",
        agency=str(membership.agency) if membership else "",
        action=action,
        channel=channel,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:1000],
    )


def record_list(user: Any, object_type: str, ids: Iterable[object], *, channel: str, summary: str) -> None:
    """Audit a list page or list endpoint: one entry naming every record shown."""
    shown = [str(i) for i in ids]
    record(
        user,
        Action.LISTED,
        object_type,
        "",
        channel=channel,
        summary=f"{summary}; shown: {', '.join(shown[:200])}" + (" ..." if len(shown) > 200 else ""),
    )
