"""The case list's table rows, written in Python: the same HTML as the row template they
replaced, without Django's template engine resolving eight variables and two date filters for
each of 50 rows (about a third of the page's CPU; docs/performance.md)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from django import template

from ..find import staff_name
from ..models import CaseStatus

register = template.Library()

_CELL = '<td class="govuk-table__cell">'
_STATUS = dict(CaseStatus.choices)  # what get_status_display() shows
_PLACEHOLDER = 2_147_483_647


@lru_cache(maxsize=4096)
def _day(day: date, language: str | None) -> str:
    """``{{ day|date:"j M Y" }}`` (month names in the active language)."""
    return date_format(day, "j M Y")


@register.simple_tag
def case_rows(cases: Any) -> SafeString:
    """One ``<tr>`` per case (reference linked to its page, type, lead agency, lead officer,
    ward, status, opened, next review), or the "no cases match" row."""
    link = reverse("case-detail", args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")
    language = get_language()
    rows = []
    for c in cases:  # each the values of csphub.casework.find.CASE_LIST_COLUMNS
        who = "" if c["lead_officer__username"] is None else escape(staff_name(
            c["lead_officer__first_name"], c["lead_officer__last_name"], c["lead_officer__username"]))
        ward = escape(c["location__ward_name"] or "")
        review = _day(c["next_review_on"], language) if c["next_review_on"] else ""
        rows.append(
            f'<tr class="govuk-table__row">{_CELL}<a class="govuk-link" href="{link.format(c["id"])}">'
            f"{escape(c['reference'])}</a></td>{_CELL}{escape(c['case_type__name'])}</td>"
            f"{_CELL}{escape(c['lead_agency__name'])}</td>{_CELL}{who}</td>{_CELL}{ward}</td>"
            f"{_CELL}<strong class=\"govuk-tag\">{escape(_STATUS.get(c['status'], c['status']))}"
            f"</strong></td>{_CELL}{_day(c['opened_on'], language)}</td>{_CELL}{review}</td></tr>")
    if not rows:
        rows.append(f'<tr class="govuk-table__row">{_CELL[:-1]} colspan="8">No cases match. Try fewer filters.</td></tr>')
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped
