"""The ASB Case Review letters to the applicant (issue 12, items 7 and 8): the acknowledgement
and the outcome (the decision on the threshold, the review and its recommendations, each with
the agency that owns it and its due date), as Word or PDF.

The wording is a template (csphub.core.letters: the built-in one, or the partnership's own in
``<data directory>/letters/``) using the placeholders of ``CASE_REVIEW_PLACEHOLDERS``; the values
come from the application. Writing one needs the right to handle the application, and is
recorded (CaseReviewLetter, shown on the case's chronology) and audited.

Examples:
    >>> outcome_refusal(decided=False, review_to_be_held=False, review_held=False)
    'The outcome letter follows the decision on the threshold: decide it first.'
    >>> outcome_refusal(decided=True, review_to_be_held=True, review_held=False)
    'A review is to be held: the outcome letter follows the review meeting. Record the meeting first.'
    >>> outcome_refusal(decided=True, review_to_be_held=False, review_held=False) is None
    True
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from csphub.access import policy
from csphub.audit.services import Action, Channel, record
from csphub.core import letters
from csphub.errors import PermissionRefused, RuleRefused

from . import services
from .models import CaseReviewApplication, CaseReviewLetter

#: Letter -> the template file it is written from.
TEMPLATES: dict[str, str] = {
    CaseReviewLetter.Kind.ACKNOWLEDGEMENT: "case_review_acknowledgement.txt",
    CaseReviewLetter.Kind.OUTCOME: "case_review_outcome.txt",
}


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def outcome_refusal(*, decided: bool, review_to_be_held: bool, review_held: bool) -> str | None:
    """Why the outcome letter cannot be written yet, or None when it can."""
    if not decided:
        return "The outcome letter follows the decision on the threshold: decide it first."
    if review_to_be_held and not review_held:
        return "A review is to be held: the outcome letter follows the review meeting. Record the meeting first."
    return None


def decision_words(application: CaseReviewApplication) -> str:
    if application.decided_on is None:
        return ""
    if application.threshold_met:
        return "the threshold for an ASB Case Review is met, and a review will be held"
    if application.discretionary:
        return ("the threshold for an ASB Case Review is not met, but the partnership will hold a review "
                "at its discretion")
    return "the threshold for an ASB Case Review is not met"


def _recommendation_lines(application: CaseReviewApplication) -> str:
    rows = list(application.recommendation_set.filter(archived_on__isnull=True).select_related("owner_agency"))
    lines = [f"{r.text.strip()} (owner: {r.owner_agency}; due by {long_date(r.due_on)})" for r in rows]
    if not lines and application.recommendations.strip():  # recorded as text before recommendations had owners
        lines = [line.strip() for line in application.recommendations.splitlines() if line.strip()]
    if not lines:
        return "The review made no recommendations." if application.review_to_be_held else "None: no review was held."
    return "\n".join(" ".join(line.split()) for line in lines)


def values_for(application: CaseReviewApplication, user: Any, today: date) -> dict[str, str]:
    """Every placeholder of csphub.core.letters.CASE_REVIEW_PLACEHOLDERS, filled from the application."""
    applicant, meeting = application.applicant, services.meeting_of(application)
    chair = meeting.chair if meeting else ""
    if meeting and meeting.independent_chair:
        chair += f", with {meeting.independent_chair} as independent chair"
    held_on = meeting.held_on if meeting else application.review_held_on
    return {
        "letter_date": long_date(today),
        "review_reference": application.reference,
        "case_reference": application.case.reference if application.case_id else "",
        "applicant_name": applicant.full_name,
        "applicant_address": applicant.address,
        "applicant_postcode": applicant.postcode,
        "on_behalf_of": application.on_behalf_of,
        "behaviour": application.behaviour,
        "received_on": long_date(application.received_on),
        "decide_by": long_date(services.deadlines_for(application)["decide_by"]),
        "decided_on": long_date(application.decided_on),
        "decision": decision_words(application),
        "decision_reason": application.discretion_reason or application.decision_reason,
        "review_held_on": long_date(held_on),
        "chair": chair,
        "review_summary": (f"The review meeting was held on {long_date(held_on)}, chaired by {chair or 'the partnership'}."
                           if held_on else "No review was held."),
        "recommendations": _recommendation_lines(application),
        "agency_name": str(application.received_by_agency),
        "officer_name": (user.get_full_name() or user.username) if getattr(user, "pk", None) else "",
    }


def generate_letter(user: Any, application_id: object, kind: str, fmt: str, *,
                    channel: str = Channel.WEB) -> tuple[str, bytes, str]:
    """The letter to the applicant as ``(file name, bytes, content type)``, recorded and audited.

    NotFoundError (404) if the user may not see the application; RuleRefused for an unknown letter
    or format, or an outcome letter before its decision (and its review, if one is to be held)."""
    application = services.get_application(user, application_id, purpose="case review letter", channel=channel)
    if not policy.can_handle_case_reviews(user):
        raise PermissionRefused("Case reviews are handled by officers and supervisors.")
    if kind not in TEMPLATES:
        raise RuleRefused("no_letter", f"Choose the acknowledgement or the outcome letter, not {kind!r}.", "letter")
    if fmt not in letters.FORMATS:
        raise RuleRefused("letter_format", f"Choose Word or PDF, not {fmt!r}.", "format")
    if kind == CaseReviewLetter.Kind.OUTCOME:
        why = outcome_refusal(decided=application.decided_on is not None,
                              review_to_be_held=application.review_to_be_held,
                              review_held=services.meeting_of(application) is not None
                              or application.review_held_on is not None)
        if why:
            raise RuleRefused("outcome_too_soon", why, "letter")
    today = timezone.localdate()
    try:
        letter = letters.render(TEMPLATES[kind], values_for(application, user, today), fmt,
                                letters_dir=letters.default_letters_dir(), placeholders=letters.CASE_REVIEW_PLACEHOLDERS)
    except letters.LetterTemplateError as e:  # the partnership's own template is wrong: say where
        raise RuleRefused("letter_template", f"The letter template needs correcting: {e}.", "template") from e
    with transaction.atomic():
        written = CaseReviewLetter.objects.create(application=application, kind=kind,
                                                  **CaseReviewLetter.written(letter, fmt, user))
        record(user, Action.CREATED, "case_review_letter", written.pk, channel=channel,
               summary=f"{kind} {fmt} for case review {application.pk}")
    filename = f"{application.reference}-{kind}-{today:%Y%m%d}.{letter.extension}"
    return filename, letter.content, letter.content_type


def letters_on(application: CaseReviewApplication) -> list[CaseReviewLetter]:
    """The letters written to the applicant, newest first (kinds, formats, who and when: no names)."""
    return list(application.letters.select_related("generated_by"))
