"""What casework puts in partners' inboxes (csphub.inbox): a referral to an agency, a task for
a user, and (``csphub notify overdue``) overdue tasks, case reviews due and unpaid fixed
penalties, told to their owner
and the owner's supervisors. Titles are neutral: a kind, an agency and a case reference, never a
person or what the record says."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from csphub.access import roles
from csphub.core import penalties
from csphub.inbox import services as inbox

from . import rules
from .models import AsbCase, CaseStatus, Intervention, Referral, Task


def referral_made(referral: Referral) -> None:
    inbox.post(agency=referral.to_agency, kind=inbox.Kind.REFERRAL,
               title=f"New referral to {referral.to_agency.name} on case {referral.case.reference}",
               link=reverse("referral-detail", args=[referral.pk]), object_type="referral", object_id=referral.pk)


def task_assigned(task: Task) -> None:
    agency_id = roles.agency_id_of(task.owner)
    if agency_id is None:
        return
    inbox.post(agency=agency_id, user=task.owner, kind=inbox.Kind.TASK,
               title=f"New task for you on case {task.case.reference}, due {task.due_on:%d %B %Y}",
               link=reverse("case-detail", args=[task.case_id]), object_type="task", object_id=task.pk)


def post_overdue(today: date) -> int:
    """Overdue tasks (not done, due before ``today``), case reviews due (on or before
    ``today``, case not closed) and unpaid fixed penalties (:func:`post_overdue_penalties`): one
    item for the owner and one for each of their supervisors, once per record per day (running
    again the same day posts nothing). How many items posted."""
    posted = 0
    tasks = (Task.objects.filter(done_on__isnull=True, due_on__lt=today, archived_on__isnull=True,
                                 case__archived_on__isnull=True).select_related("case", "owner"))
    for task in tasks:
        posted += inbox.post_to_owner_and_supervisors(
            task.owner, kind=inbox.Kind.OVERDUE, link=reverse("case-detail", args=[task.case_id]),
            title=f"Overdue task on case {task.case.reference} (was due {task.due_on:%d %B %Y})",
            object_type="task", object_id=task.pk, key=f"overdue:task:{task.pk}:{today}")
    cases = (AsbCase.objects.filter(next_review_on__lte=today, archived_on__isnull=True)
             .exclude(status=CaseStatus.CLOSED).select_related("lead_officer", "lead_agency"))
    for case in cases:
        title = f"Review due on case {case.reference} ({case.next_review_on:%d %B %Y})"
        link, key = reverse("case-detail", args=[case.pk]), f"review:case:{case.pk}:{today}"
        posted += inbox.post_to_owner_or_agency(case.lead_officer, case.lead_agency, kind=inbox.Kind.REVIEW_DUE,
                                                title=title, link=link, object_type="case", object_id=case.pk, key=key)
    return posted + post_overdue_penalties(today)


PENALTY_NAMES = {rules.CPN_FIXED_PENALTY: "CPN fixed penalty", rules.PSPO_FIXED_PENALTY: "PSPO fixed penalty"}


def post_overdue_penalties(today: date) -> int:
    """Fixed penalties on cases (CPN and PSPO breaches) unpaid after their due date and still in
    time to prosecute: one item for the officer who issued it and each of their supervisors (the
    issuing agency's inbox when no officer is recorded), once per penalty per day. The title names
    the kind, the reference and the due date, never the person."""
    posted = 0
    found = (Intervention.objects.filter(kind__in=rules.FIXED_PENALTIES, payment_status=penalties.UNPAID,
                                         payment_due_on__lt=today, archived_on__isnull=True,
                                         case__archived_on__isnull=True)
             .select_related("case", "issued_by"))
    for penalty in found:
        state = penalty.penalty_state(today)
        if state is None or not state.needs_action:
            continue
        title = (f"Unpaid {PENALTY_NAMES[penalty.kind]} {penalty.reference}: was due {state.due_on:%d %B %Y}, "
                 f"prosecute by {state.prosecute_by:%d %B %Y}")
        link, key = reverse("intervention-detail", args=[penalty.pk]), f"overdue:penalty:{penalty.pk}:{today}"
        posted += inbox.post_to_owner_or_agency(penalty.issued_by, penalty.issuing_agency_id, kind=inbox.Kind.OVERDUE,
                                                title=title, link=link, object_type="intervention",
                                                object_id=penalty.pk, key=key)
    return posted
