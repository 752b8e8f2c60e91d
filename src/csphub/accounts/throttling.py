"""Sign-in throttling with a limit per kind of lockout (django-axes, extended).

django-axes locks out when the failures counted for any of its ``AXES_LOCKOUT_PARAMETERS``
reach one ``AXES_FAILURE_LIMIT``. One limit does not suit all three kinds: a username tried from
one address should lock soonest, the same username from many machines a little later, and one
address trying many usernames (a council office shares one address) later still. This handler
reads a limit per kind from ``CSPHUB_LOGIN_FAILURE_LIMITS`` and reports the failures of the
kind nearest its limit, scaled to ``AXES_FAILURE_LIMIT``, so axes locks out exactly when any
kind reaches its own limit.

Examples:
    >>> scaled(failures=10, limit=20, axes_limit=5), scaled(failures=20, limit=20, axes_limit=5)
    (2, 5)
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def scaled(*, failures: int, limit: int, axes_limit: int) -> int:
    """``failures`` out of ``limit`` as a count out of ``axes_limit`` (reaching one reaches the other)."""
    return failures * axes_limit // limit


class LimitPerParameterHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        limits: dict[tuple[str, ...], int] = settings.CSPHUB_LOGIN_FAILURE_LIMITS
        axes_limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for kind, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            key = (kind,) if isinstance(kind, str) else tuple(kind)
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, scaled(failures=failures, limit=limits.get(key, axes_limit), axes_limit=axes_limit))
        return worst
