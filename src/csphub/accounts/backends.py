"""The sign-in backend: Django's own, reading a signed-in user with their agency membership.

Every request of a signed-in user reads the user (Django's session authentication), then their
membership (what they may see: csphub.access) and its agency (the audit entry names it, the
two-factor rule is the agency's): three queries. This backend reads all three in one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class MembershipBackend(ModelBackend):
    """Django's ModelBackend (passwords, permissions, inactive users refused), whose
    ``get_user`` also reads the membership and its agency."""

    def get_user(self, user_id: Any) -> Any:
        # and whether the agency is on the Daily Dial In's distribution (the navigation asks on
        # every page): the reverse one-to-one of csphub.dialin, named, not imported
        users = get_user_model()._default_manager.select_related("membership__agency__dialin_distribution")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
