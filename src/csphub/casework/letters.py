"""Letters written from a tool or power on a case (issue 12, item 7): Community Protection
Warning and Notice, Acceptable Behaviour Contract and section 59 warning, as Word or PDF.

The wording is a template (csphub.core.letters: the built-in one, or the partnership's own in
``<data directory>/letters/``); the values come from the intervention. Generating a letter needs
the right to record on the case, and is recorded on the case (GeneratedLetter) and in the audit.

Examples:
    >>> sorted(TEMPLATES) == sorted([rules.CPW, rules.CPN, rules.ABC, rules.S59_WARNING])
    True
    >>> long_date(date(2025, 2, 1))
    '1 February 2025'
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from csphub.access import reads
from csphub.audit.services import Action, Channel, record
from csphub.core import letters
from csphub.core.plans import planned
from csphub.errors import RuleRefused

from . import rules
from .models import GeneratedLetter, Intervention
from .services import require_change

#: Intervention kind -> the template file it is written from.
TEMPLATES: dict[str, str] = {
    rules.CPW: "cpw.txt",
    rules.CPN: "cpn.txt",
    rules.ABC: "abc.txt",
    rules.S59_WARNING: "s59_warning.txt",
}


def long_date(day: date | None, missing: str = "") -> str:
    return f"{day.day} {day:%B %Y}" if day else missing


def has_letter(intervention: Intervention) -> bool:
    """A letter can be written for this kind of intervention, to the person it was issued to."""
    return intervention.kind in TEMPLATES and intervention.person_id is not None


def values_for(intervention: Intervention, today: date) -> dict[str, str]:
    """Every placeholder of csphub.core.letters.PLACEHOLDERS, filled from the intervention."""
    person, officer = intervention.person, intervention.issued_by
    warning = intervention.relies_on if intervention.kind == rules.CPN else None
    return {
        "letter_date": long_date(today),
        "case_reference": intervention.case.reference,
        "tool_name": intervention.get_kind_display(),
        "person_name": person.full_name if person else "",
        "person_address": person.address if person else "",
        "person_postcode": person.postcode if person else "",
        "premises": intervention.premises,
        "conduct": intervention.conduct,
        "issued_on": long_date(intervention.issued_on),
        "expires_on": long_date(intervention.expires_on, "no end date"),
        "officer_name": (officer.get_full_name() or officer.username) if officer else "",
        "agency_name": str(intervention.issuing_agency),
        "reference": intervention.reference,
        "comply_by": long_date(intervention.comply_by, "now"),
        "warning_date": long_date(warning.issued_on) if warning else "",
        "warning_reference": warning.reference if warning else "",
    }


def _intervention(user: Any, intervention_id: object, channel: str) -> Intervention:
    found = reads.intervention(user, intervention_id, purpose="letter", channel=channel)
    return (Intervention.objects.select_related("case", "person", "issued_by", "issuing_agency",
                                                "relies_on", "relies_on__case").get(pk=found.pk))


def generate_letter(user: Any, intervention_id: object, fmt: str, *,
                    channel: str = Channel.WEB) -> tuple[str, bytes, str]:
    """The letter for the intervention as ``(file name, bytes, content type)``.

    NotFoundError (404) if the user may not see the intervention; PermissionRefused (403) if they
    see it but may not record on its case; RuleRefused for a kind without a letter, an
    intervention issued to no person or an unknown format. The letter is recorded on the case.
    """
    intervention = _intervention(user, intervention_id, channel)
    case = intervention.case
    require_change(user, case)
    if fmt not in letters.FORMATS:
        raise RuleRefused("letter_format", f"Choose Word or PDF, not {fmt!r}.", "format")
    if intervention.kind not in TEMPLATES:
        raise RuleRefused("no_letter", f"There is no letter for a {intervention.get_kind_display()}.", "kind")
    if intervention.person is None:
        raise RuleRefused("no_letter", "A letter is written to a person: this intervention names none.", "person")
    today = timezone.localdate()
    reads.shown(user, "person", [intervention.person], purpose=f"letter for intervention {intervention.pk}",
                channel=channel)
    try:
        letter = letters.render(TEMPLATES[intervention.kind], values_for(intervention, today), fmt,
                                letters_dir=letters.default_letters_dir())
    except letters.LetterTemplateError as e:  # the partnership's own template is wrong: say where
        raise RuleRefused("letter_template", f"The letter template needs correcting: {e}.", "template") from e
    with transaction.atomic():  # the record on the case and its audit entry, together (refusals above stay audited)
        generated = GeneratedLetter.objects.create(case=case, intervention=intervention, kind=intervention.kind,
                                                   **GeneratedLetter.written(letter, fmt, user))
        record(user, Action.CREATED, "letter", generated.pk, channel=channel,
               summary=f"{intervention.kind} {fmt} for intervention {intervention.pk} on case {case.pk}")
    filename = f"{case.reference}-{intervention.kind}-{today:%Y%m%d}.{letter.extension}"
    return filename, letter.content, letter.content_type


def letters_on(case: Any) -> list[GeneratedLetter]:
    """The letters generated on the case, newest first (kinds, formats, who and when: no names)."""
    return list(planned(("letters on",), lambda case_id: GeneratedLetter.objects.filter(case_id=case_id)
                        .select_related("generated_by", "intervention"), case.pk))
