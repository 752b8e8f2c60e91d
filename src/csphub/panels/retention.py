"""Retention for panel records: what a retention run (``csphub.casework.retention``) removes
from panels once a case or a person goes.

Panel referrals linked to a due case or about a person who goes lose their reason, risks,
location and decision reason, and their actions' descriptions and agenda discussion; a meeting
whose whole agenda was such referrals loses its minutes. A departing person's offences keep the
offence and its date (cohort harm figures, ``harm.py``, weigh them) and lose their source;
cohort memberships are dates and ids, and stay. History rows go the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from csphub.casework.retention import batches, ids_of, scrub

from .models import AgendaItem, CohortMembership, Offence, PanelAction, PanelMeeting, PanelReferral


def referrals_of(case_ids: Collection[int], person_ids: Collection[int]) -> set[int]:
    """Panel referrals linked to one of ``case_ids`` or about one of ``person_ids``, now or in
    any history row."""
    return ids_of(PanelReferral, "case_id", case_ids) | ids_of(PanelReferral, "person_id", person_ids)


def _meetings_only_about(referrals: set[int]) -> set[int]:
    agendas: dict[int, set[int]] = defaultdict(set)
    meetings: set[int] = set()
    for batch in batches(referrals):
        meetings.update(AgendaItem.objects.filter(referral_id__in=batch).values_list("meeting_id", flat=True))
    for batch in batches(meetings):
        for meeting_id, referral_id in AgendaItem.objects.filter(meeting_id__in=batch).values_list("meeting_id", "referral_id"):
            agendas[meeting_id].add(referral_id)
    return {m for m in meetings if agendas[m] <= referrals}


def anonymise_panel_records(case_ids: Collection[int], person_ids: Collection[int]) -> int:
    """Anonymise the panel records of the due cases and departing people; the number of panel
    referrals anonymised."""
    referrals = referrals_of(case_ids, person_ids)
    meetings = _meetings_only_about(referrals)
    scrub(PanelReferral, "id", referrals, ["reason", "risks", "location", "decision_reason"])
    scrub(PanelAction, "referral_id", referrals, ["description"])
    scrub(AgendaItem, "referral_id", referrals, ["discussion"])
    scrub(PanelMeeting, "id", meetings, ["minutes"])
    scrub(Offence, "person_id", person_ids, ["source"])
    scrub(CohortMembership, "person_id", person_ids)
    return len(referrals)
