"""Home Office offence codes, spelt one way.

The same offence is written differently by different publications: the Home Office police
recorded crime tables give homicide as one combined code ``1/4.1/4.10/4.2`` (murder,
manslaughter, infanticide, corporate manslaughter); the ONS Crime Severity Score weights file as
``1, 4.1/2/10``; a partnership's serious-violence definition may say ``1``. Codes also come
padded, in lower case (``28e``) or with spaces around their separators. :func:`normalise_code`
gives each one spelling, so serious violence, the exact Crime Severity Score and the crime groups
all match the same offences.

A code that is part of a combined code (``1`` of ``1/4.1/4.10/4.2``) stands for the combined
code: the Home Office publishes only the combined count, and ONS weights the combination as one.

Examples:
    >>> normalise_code("1/4.1/4.10/4.2") == normalise_code("1, 4.1/2/10") == normalise_code("1")
    True
    >>> normalise_code(" 28e ")
    '28E'
    >>> expand_code("1, 4.1/2/10")
    ('1', '4.1', '4.2', '4.10')
    >>> normalise_code("UK Finance")
    'UK FINANCE'
"""

from __future__ import annotations

import re

HOMICIDE = "1/4.1/4.10/4.2"

#: Codes the Home Office publishes combined: each part stands for the whole.
COMBINED_CODES: tuple[str, ...] = (HOMICIDE,)

_SEPARATORS = re.compile(r"\s*([,/])\s*")


def _plain(text: str) -> str:
    return _SEPARATORS.sub(r"\1", " ".join(str(text).split())).upper()


def expand_code(text: str) -> tuple[str, ...]:
    """The single codes a written code stands for, in order: ``4.1/2/10`` is 4.1, 4.2, 4.10
    (a part without a stem takes the stem of the part before it)."""
    parts: list[str] = []
    for group in _plain(text).split(","):
        stem = ""
        for part in group.split("/"):
            if not part:
                continue
            if "." in part:
                stem = part.split(".")[0] + "."
            elif stem and part.isdigit() and parts:
                part = stem + part
            parts.append(part)
    return tuple(parts)


_PART_OF: dict[str, str] = {part: combined for combined in COMBINED_CODES for part in expand_code(combined)}


def normalise_code(text: str) -> str:
    """The one spelling of a Home Office offence code (see the module docstring)."""
    plain = _plain(text)
    parts = expand_code(plain)
    combined = {_PART_OF.get(part) for part in parts}
    if parts and len(combined) == 1 and None not in combined:
        return combined.pop()  # type: ignore[return-value]
    return plain
