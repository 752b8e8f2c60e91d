"""Password validators: not a common password, not the words of where the user works.

Both compare case-insensitively and see through the usual disguises: digits and symbols added at
either end ("Password123!", "2024Riverford") and look-alike digits ("P4ssw0rd", "R1verford").

Examples:
    >>> loose("Riverford2024!"), loose("P@ssw0rd"), core("Password123!")
    ('riverford', 'password', 'password')
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

#: Digits and symbols read as the letters they stand in for.
LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
#: Shorter words (an agency's "ASB", a username's "jo") would refuse too many good passwords.
SHORTEST_WORD = 4


def core(password: str) -> str:
    """The password in lower case without the digits and symbols added at either end."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def loose(text: str) -> str:
    """Lower case, look-alike digits read as letters, then only the letters."""
    lowered = text.lower()
    kept = core(lowered) or lowered  # symbols at the ends are padding, not letters in disguise
    return re.sub(r"[^a-z]", "", kept.translate(LOOK_ALIKES))


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, also checked with the digits and symbols at
    either end taken off and look-alike digits read as letters, so "Password123!" and "P4ssw0rd"
    are refused with "password"."""

    def validate(self, password: str, user: Any = None) -> None:
        variants = {password.lower().strip(), core(password), loose(password)}
        if variants & self.passwords:
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self) -> str:
        return "This password is too common, even with numbers or symbols added: choose words others would not guess."


class LocalWordsValidator:
    """Refuses a password containing the username, a word of the user's agency's name or a
    place name of the partnership's area (settings.CSPHUB_AREA_NAMES), however written."""

    def validate(self, password: str, user: Any = None) -> None:
        found = loose(password)
        for word, what in self._words(user):
            if word in found:
                raise ValidationError(
                    f"This password contains {word!r} ({what}); choose words nobody could guess from "
                    "where you work or who you are.", code="password_has_local_words")

    def get_help_text(self) -> str:
        return "Your password cannot contain your username, your agency's name or a place name of the area."

    def _words(self, user: Any) -> list[tuple[str, str]]:
        words: list[tuple[str, str]] = []
        username = getattr(user, "username", "") or ""
        for part in {username, *re.split(r"[._@+\-\s]+", username)}:
            words.append((loose(part), "your username"))
        agency = getattr(getattr(user, "membership", None), "agency", None)
        if agency is not None:
            words += [(loose(w), "your agency's name") for w in re.split(r"[\s\-&/,()]+", agency.name)]
        words += [(loose(name), "a place name of the area") for name in getattr(settings, "CSPHUB_AREA_NAMES", ())]
        return [(word, what) for word, what in words if len(word) >= SHORTEST_WORD]
