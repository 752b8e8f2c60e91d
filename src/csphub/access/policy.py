"""Who may see and change each kind of record: a queryset filter and predicates per type.

The only module in CSP Hub that filters records by agency or role. Relations a user's agency
can have to a case: lead (leads it), shared (added to it by the lead), referred-to (a referral
from the case was sent to it: it sees that referral and the referred person, read-only, not the
case), panel member (sits on a panel the case's person was referred to: sees the panel records),
none. What each role may do in each relation is tabled in docs/casework.md.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from csphub.accounts.models import Agency, ApiToken, Membership, Role
from csphub.audit.models import AuditEntry
from csphub.casereview.models import CaseReviewApplication, Recommendation
from csphub.casework.models import (
    Alert,
    AsbCase,
    Attachment,
    CaseNote,
    CaseParty,
    Group,
    Incident,
    Intervention,
    Location,
    MonitoringVisit,
    Person,
    Referral,
    RiskAssessment,
    Task,
    VulnerabilityFlag,
)
from csphub.dialin.models import (
    Decision,
    DialInEntry,
    Distribution,
    EntryPerson,
    Operation,
    PlaceInitiative,
)
from csphub.panels.models import Cohort, Panel, PanelAction, PanelMeeting, PanelReferral
from csphub.people.models import PersonMatch, PersonMerge

from .roles import (
    AUDIT_ROLES,
    CASE_VIEW_ROLES,
    CASEWORK_ROLES,
    STATISTICS_ROLES,
    agency_id_of,
    membership,
    role_of,
    sensitive_roles,
    works_cases,
)

# ---- Scopes compiled once ---------------------------------------------------------------
# A scope that nests others (the people a user may see: on the cases they see, referred to their
# agency, on its panels, applying for its case reviews) is a tree of subqueries, and Django
# resolves and compiles the whole tree again for every queryset that filters by it: on a case
# page, a dozen reads, most of the page's CPU. The SQL of such a scope depends only on the
# membership values it is built from (the agency's id and the role), never on the data, so it is
# compiled once per process for those values and used as raw SQL with its parameters. The rows
# it selects are read fresh by every query, as before: only the SQL text is kept.

_COMPILED: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
_COMPILED_MAX = 4096
_COMPILED_LOCK = Lock()


def _ids(key: tuple[Any, ...], build: Callable[[], QuerySet[Any]]) -> RawSQL:
    """``build()``'s ids as SQL, compiled once per process for ``key``: the scope's name and
    every membership value ``build`` reads (never a value from the data)."""
    found = _COMPILED.get(key)
    if found is None:
        scope = build()
        if not scope.query.is_sliced:  # an order inside ``id IN (...)`` only costs a sort
            scope = scope.order_by()
        sql, params = scope.values("id").query.sql_with_params()
        found = (sql, tuple(params))
        with _COMPILED_LOCK:
            if len(_COMPILED) >= _COMPILED_MAX:
                _COMPILED.clear()
            _COMPILED[key] = found
    return RawSQL(*found)


def scope_key(user: Any) -> tuple[Any, ...]:
    """What the SQL of a case's records scope depends on (csphub.core.plans): the membership's
    agency and role; (None, None) for a user with none (anonymous, inactive, no agency)."""
    m = membership(user)
    return (m.agency_id, m.role) if m else (None, None)


# ---- Cases ------------------------------------------------------------------------------


def cases(user: Any) -> QuerySet[AsbCase]:
    """Cases the user may see: led by or shared with their agency, for officers, supervisors and
    analysts (analysts see the facts only: see can_read_free_text). A referral does not share
    the case."""
    m = membership(user)
    if m is None or m.role not in CASE_VIEW_ROLES:
        return AsbCase.objects.none()
    return AsbCase.objects.filter(id__in=_case_ids(m.agency_id))


def _case_ids(agency_id: int) -> RawSQL:
    """The ids of the cases the agency leads or shares (not archived), compiled once."""
    # "Shared with" as its own subquery on the sharing table's agency index, not a join of every
    # case to its shares: one pass over the cases, however many agencies each is shared with.
    shared = AsbCase.agencies.through.objects.filter(agency_id=agency_id).values("asbcase_id")
    return _ids(("cases", agency_id), lambda: AsbCase.objects.filter(
        Q(lead_agency_id=agency_id) | Q(id__in=shared), archived_on__isnull=True))


def can_list_cases(user: Any) -> bool:
    """Whether the user's role works with cases at all (officer, supervisor, analyst)."""
    return role_of(user) in CASE_VIEW_ROLES


def can_view_case(user: Any, case: AsbCase) -> bool:
    """Whether the user may see the case: asked of the database, unless this very case object
    was read for this user through access in this request (csphub.access.reads.one marks it)."""
    if getattr(case, SEEN_BY, None) == seen_by(user, case):
        return True
    return cases(user).filter(pk=case.pk).exists()


#: The attribute csphub.access.reads.one sets on a case it read for a user: seen_by() then.
SEEN_BY = "_csphub_seen_by"


def seen_by(user: Any, case: AsbCase) -> tuple[Any, ...]:
    """Who a case was read for (the user, their agency and role) and what decided it then (its
    lead agency, whether archived): a change of either since asks the database again."""
    return (getattr(user, "pk", None), agency_id_of(user), role_of(user), case.lead_agency_id, case.archived_on)


def agency_on_case(case: AsbCase, agency_id: int | None) -> bool:
    """Whether the agency leads or shares the case (a task owner must be in one that does)."""
    return agency_id is not None and (case.lead_agency_id == agency_id or case.agencies.filter(pk=agency_id).exists())


def is_lead_agency(user: Any, case: AsbCase) -> bool:
    return agency_id_of(user) == case.lead_agency_id


def can_create_case(user: Any) -> bool:
    return works_cases(user)


def can_change_case(user: Any, case: AsbCase) -> bool:
    """Record on the case (notes, incidents, visits, tools and powers...): officers and
    supervisors of the lead or a sharing agency; a closed case is read-only."""
    return works_cases(user) and not case.is_closed and can_view_case(user, case)


def can_manage_case(user: Any, case: AsbCase) -> bool:
    """Share the case, change its lead, close it: officers and supervisors of the lead agency
    only; re-opening a closed case needs a supervisor of the lead agency."""
    if not works_cases(user) or not is_lead_agency(user, case) or case.archived_on is not None:
        return False
    return not case.is_closed or role_of(user) == Role.SUPERVISOR


def why_not_change(user: Any, case: AsbCase) -> str:
    if case.is_closed:
        return "the case is closed; a supervisor of the lead agency can re-open it"
    if not works_cases(user):
        return "your role can view this case but not record on it"
    return "your agency is not on this case"


def why_not_manage(user: Any, case: AsbCase) -> str:
    if not works_cases(user):
        return "your role can view this case but not change it"
    if not is_lead_agency(user, case):
        return f"only the lead agency ({case.lead_agency}) can share, re-assign or close it"
    return "closed cases can only be re-opened by a supervisor of the lead agency"


def statistics_cases(user: Any) -> QuerySet[AsbCase]:
    """Cases counted in a user's statistics: partnership admins count all (aggregates only);
    analysts and supervisors the cases their agency can see."""
    if role_of(user) == Role.PARTNERSHIP_ADMIN:
        return AsbCase.objects.filter(archived_on__isnull=True)
    if role_of(user) in STATISTICS_ROLES:
        return cases(user)
    return AsbCase.objects.none()


def can_view_statistics(user: Any) -> bool:
    return role_of(user) in STATISTICS_ROLES


# ---- What is written on a case: free text, people, files ----------------------------------


def can_read_free_text(user: Any) -> bool:
    """Summaries, incident accounts, notes, findings, reasons, attachments: officers and
    supervisors only. Analysts see counts and categories, never free text or names."""
    return works_cases(user)


def _on_readable_case(user: Any, model: type) -> QuerySet[Any]:
    if not can_read_free_text(user):
        return model.objects.none()
    return model.objects.filter(case_id__in=_case_ids(agency_id_of(user)), archived_on__isnull=True)


def incidents(user: Any) -> QuerySet[Incident]:
    return _on_readable_case(user, Incident)


def notes(user: Any) -> QuerySet[CaseNote]:
    return _on_readable_case(user, CaseNote)


def visits(user: Any) -> QuerySet[MonitoringVisit]:
    return _on_readable_case(user, MonitoringVisit)


def interventions(user: Any) -> QuerySet[Intervention]:
    return _on_readable_case(user, Intervention)


def attachments(user: Any) -> QuerySet[Attachment]:
    return _on_readable_case(user, Attachment)


def tasks(user: Any) -> QuerySet[Task]:
    return _on_readable_case(user, Task)


def risk_assessments(user: Any) -> QuerySet[RiskAssessment]:
    return _on_readable_case(user, RiskAssessment)


def parties(user: Any) -> QuerySet[CaseParty]:
    """Who is on the cases the user may see: officers and supervisors only."""
    if not works_cases(user):
        return CaseParty.objects.none()
    return CaseParty.objects.filter(case_id__in=_case_ids(agency_id_of(user)))


def groups(user: Any) -> QuerySet[Group]:
    if not works_cases(user):
        return Group.objects.none()
    m = membership(user)
    return Group.objects.filter(id__in=_ids(("groups", m.agency_id, m.role), lambda: Group.objects.filter(
        Q(members__in=people(user)) | Q(recorded_by_agency_id=m.agency_id), archived_on__isnull=True)))


def alerts(user: Any) -> QuerySet[Alert]:
    """The user's own alerts, about cases they may still see."""
    return Alert.objects.filter(user_id=getattr(user, "pk", None), case__in=cases(user))


# ---- Referrals between agencies -----------------------------------------------------------


def case_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals on cases the user works, and referrals sent to the user's agency (which sees
    the referral, its reason and the referred person, read-only, not the case)."""
    if not works_cases(user):
        return Referral.objects.none()
    agency = agency_id_of(user)
    return Referral.objects.filter(Q(case_id__in=_case_ids(agency)) | Q(to_agency_id=agency), archived_on__isnull=True)


def referrals_received(user: Any) -> QuerySet[Referral]:
    if not works_cases(user):
        return Referral.objects.none()
    return Referral.objects.filter(to_agency_id=agency_id_of(user), archived_on__isnull=True)


def can_respond_to_referral(user: Any, referral: Referral) -> bool:
    """Accept, decline or complete: the receiving agency's officers and supervisors only."""
    return works_cases(user) and referral.to_agency_id == agency_id_of(user)


# ---- People -----------------------------------------------------------------------------


def people(user: Any) -> QuerySet[Person]:
    """People whose details the user may see: on a case their agency leads or shares, recorded
    by their agency, referred to their agency, referred to a panel their agency sits on, or
    applicants of a case review their agency handles. Officers and supervisors only."""
    m = membership(user)
    if m is None or m.role not in CASEWORK_ROLES:
        return Person.objects.none()
    return Person.objects.filter(id__in=_ids(("people", m.agency_id, m.role), lambda: Person.objects.filter(
        Q(case_roles__case_id__in=_case_ids(m.agency_id))
        | Q(recorded_by_agency_id=m.agency_id)
        | Q(referrals__in=referrals_received(user))
        | Q(panel_referrals__in=panel_referrals(user))
        | Q(case_review_applications__in=case_reviews(user)),
        archived_on__isnull=True)))


def can_view_person(user: Any, person: Person) -> bool:
    return people(user).filter(pk=person.pk).exists()


def can_record_people(user: Any) -> bool:
    return works_cases(user)


def can_see_sensitive_flags(user: Any) -> bool:
    return role_of(user) in sensitive_roles()


def flags(user: Any, person: Person) -> QuerySet[VulnerabilityFlag]:
    """The person's vulnerability flags the user may see (sensitive kinds to cleared roles)."""
    found = VulnerabilityFlag.objects.filter(person=person)
    return found if can_see_sensitive_flags(user) else found.exclude(kind__in=VulnerabilityFlag.SENSITIVE)


def shown_flags(user: Any, person: Person) -> list[VulnerabilityFlag]:
    """The same as flags(), from the person's prefetched flags (no query per person in a list)."""
    cleared = can_see_sensitive_flags(user)
    return [f for f in person.flags.all() if cleared or not f.is_sensitive]


def person_matches(user: Any) -> QuerySet[PersonMatch]:
    """Likely duplicates where the reviewer may see both records (never reveals either otherwise)."""
    visible = people(user)
    return PersonMatch.objects.filter(person_a__in=visible, person_b__in=visible)


def person_merges(user: Any) -> QuerySet[PersonMerge]:
    """Merges the user may see: the kept record is visible to them, or their agency is asked to
    confirm one."""
    return PersonMerge.objects.filter(Q(kept__in=people(user)) | Q(awaiting_agency_id=agency_id_of(user)))


def owns_person(user: Any, person: Person) -> bool:
    return works_cases(user) and person.recorded_by_agency_id == agency_id_of(user)


# ---- Panels -----------------------------------------------------------------------------


def panels(user: Any) -> QuerySet[Panel]:
    """Panels the user's agency sits on (officers and supervisors): their records are
    confidential to members."""
    if not works_cases(user):
        return Panel.objects.none()
    agency = agency_id_of(user)
    return Panel.objects.filter(id__in=_ids(("panels", agency), lambda: Panel.objects.filter(
        members__id=agency, archived_on__isnull=True)))


def is_panel_member(user: Any, panel: Panel) -> bool:
    return panels(user).filter(pk=panel.pk).exists()


def can_refer_to_panel(user: Any) -> bool:
    """Any officer or supervisor may refer to a panel (partners refer in); only members see it."""
    return works_cases(user)


def panel_referrals(user: Any) -> QuerySet[PanelReferral]:
    return PanelReferral.objects.filter(panel__in=panels(user), archived_on__isnull=True)


def panel_meetings(user: Any) -> QuerySet[PanelMeeting]:
    return PanelMeeting.objects.filter(panel__in=panels(user), archived_on__isnull=True)


def panel_actions(user: Any) -> QuerySet[PanelAction]:
    return PanelAction.objects.filter(referral__in=panel_referrals(user), archived_on__isnull=True)


def cohorts(user: Any) -> QuerySet[Cohort]:
    return Cohort.objects.filter(panel__in=panels(user), archived_on__isnull=True)


# ---- ASB Case Review ------------------------------------------------------------------------


def case_reviews(user: Any) -> QuerySet[CaseReviewApplication]:
    """Applications received by the user's agency or linked to a case it leads or shares:
    officers and supervisors."""
    if not works_cases(user):
        return CaseReviewApplication.objects.none()
    agency = agency_id_of(user)
    return CaseReviewApplication.objects.filter(id__in=_ids(("case reviews", agency), lambda: (
        CaseReviewApplication.objects.filter(
            Q(received_by_agency_id=agency) | Q(case_id__in=_case_ids(agency))
            | Q(case_links__case_id__in=_case_ids(agency)), archived_on__isnull=True))))


def case_review_recommendations(user: Any) -> QuerySet[Recommendation]:
    """Recommendations of the reviews the user may see, and those owned by the user's agency
    (the owner acts on them, whether or not it sees the application): officers and supervisors."""
    if not works_cases(user):
        return Recommendation.objects.none()
    agency = agency_id_of(user)
    return Recommendation.objects.filter(id__in=_ids(("recommendations", agency), lambda: Recommendation.objects.filter(
        Q(application__in=case_reviews(user)) | Q(owner_agency_id=agency),
        archived_on__isnull=True, application__archived_on__isnull=True)))


def can_handle_case_reviews(user: Any) -> bool:
    return works_cases(user)


# ---- The audit log ---------------------------------------------------------------------------


def can_view_audit(user: Any) -> bool:
    return role_of(user) in AUDIT_ROLES


def audit_entries(user: Any) -> QuerySet[AuditEntry]:
    """The whole log, for partnership admins (it holds ids and purposes, never names)."""
    return AuditEntry.objects.all() if can_view_audit(user) else AuditEntry.objects.none()


# ---- Users, agencies and API tokens -----------------------------------------------------------
# An agency admin manages the users of their own agency; a partnership admin (or a superuser)
# manages every user and the agencies. Each user manages their own API tokens; admins also
# those of the users they manage. Nobody else learns whether a user exists.

USER_ADMIN_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PARTNERSHIP_ADMIN})


def _is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) and bool(getattr(user, "is_active", False))


def can_manage_users(user: Any) -> bool:
    """Agency and partnership admins (and superusers) manage users."""
    return _is_superuser(user) or role_of(user) in USER_ADMIN_ROLES


def can_manage_agencies(user: Any) -> bool:
    """Partnership admins (and superusers) add agencies and set their two-factor rule."""
    return _is_superuser(user) or role_of(user) == Role.PARTNERSHIP_ADMIN


def managed_users(user: Any) -> QuerySet[Any]:
    """The users ``user`` manages: everyone for a partnership admin, their agency's users for an
    agency admin, nobody otherwise."""
    found = get_user_model().objects.select_related("membership__agency")
    if can_manage_agencies(user):
        return found.all()
    if role_of(user) == Role.AGENCY_ADMIN:
        return found.filter(membership__agency_id=agency_id_of(user))
    return found.none()


def can_manage_user(admin: Any, user: Any) -> bool:
    return managed_users(admin).filter(pk=user.pk).exists()


def assignable_roles(admin: Any) -> tuple[str, ...]:
    """Roles ``admin`` may give: an agency admin any role but partnership admin."""
    if can_manage_agencies(admin):
        return tuple(Role.values)
    if role_of(admin) == Role.AGENCY_ADMIN:
        return tuple(r for r in Role.values if r != Role.PARTNERSHIP_ADMIN)
    return ()


def assignable_agencies(admin: Any) -> QuerySet[Agency]:
    """Agencies ``admin`` may put a user in: any for a partnership admin, their own for an agency admin."""
    if can_manage_agencies(admin):
        return Agency.objects.all()
    if role_of(admin) == Role.AGENCY_ADMIN:
        return Agency.objects.filter(pk=agency_id_of(admin))
    return Agency.objects.none()


def agencies_managed(user: Any) -> QuerySet[Agency]:
    return Agency.objects.all() if can_manage_agencies(user) else Agency.objects.none()


def api_tokens(user: Any) -> QuerySet[ApiToken]:
    """The user's own API tokens and those of the users they manage."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ApiToken.objects.none()
    mine = Q(user_id=user.pk)
    if can_manage_users(user):
        mine |= Q(user__in=managed_users(user).values("pk"))
    return ApiToken.objects.select_related("user").filter(mine)

# ---- CCTV ----
# The register (cameras, faults, activity, rapid deployments, the SEG paper) is for every
# partner (police included: they see where cameras are and request footage). Changing the
# estate is the CCTV lead's: the cctv.manage_estate permission, granted per user. Reviews,
# new-camera requests (with who asked), DPIAs and Code self-assessments are internal: the lead
# and holders of cctv.view_internal (e.g. the community safety team). Footage requests: the
# lead, cctv.view_internal holders, and the requesting agency's officers and supervisors.


def _cctv_models() -> Any:
    from csphub.cctv import models as cctv

    return cctv


def can_manage_estate(user: Any) -> bool:
    """The CCTV lead: records cameras, faults, deployments, recommendations and the SEG's decisions."""
    return membership(user) is not None and user.has_perm("cctv.manage_estate")


def can_see_cctv_internal(user: Any) -> bool:
    return can_manage_estate(user) or (membership(user) is not None and user.has_perm("cctv.view_internal"))


def can_view_cctv_register(user: Any) -> bool:
    return membership(user) is not None


def cameras(user: Any) -> QuerySet[Any]:
    model = _cctv_models().Camera
    return model.objects.filter(archived_on__isnull=True) if can_view_cctv_register(user) else model.objects.none()


def camera_faults(user: Any) -> QuerySet[Any]:
    model = _cctv_models().Fault
    if not can_view_cctv_register(user):
        return model.objects.none()
    return model.objects.filter(archived_on__isnull=True, camera__archived_on__isnull=True)


def camera_deployments(user: Any) -> QuerySet[Any]:
    model = _cctv_models().RapidDeployment
    return model.objects.filter(archived_on__isnull=True) if can_view_cctv_register(user) else model.objects.none()


def camera_reviews(user: Any) -> QuerySet[Any]:
    model = _cctv_models().Review
    return model.objects.filter(archived_on__isnull=True) if can_see_cctv_internal(user) else model.objects.none()


def camera_dpias(user: Any) -> QuerySet[Any]:
    model = _cctv_models().Dpia
    return model.objects.filter(archived_on__isnull=True) if can_see_cctv_internal(user) else model.objects.none()


def can_request_footage(user: Any) -> bool:
    """Officers and supervisors of any partner (the police above all) record their requests."""
    return works_cases(user) or can_manage_estate(user)


def footage_requests(user: Any) -> QuerySet[Any]:
    model = _cctv_models().FootageRequest
    if can_see_cctv_internal(user):
        return model.objects.filter(archived_on__isnull=True)
    if works_cases(user):
        return model.objects.filter(requesting_agency_id=agency_id_of(user), archived_on__isnull=True)
    return model.objects.none()


def can_answer_footage_request(user: Any) -> bool:
    return can_manage_estate(user)


# ---- Governance ----------------------------------------------------------------------------
# Plans, boards, meetings, decisions, grants, events and outreach figures are partnership
# business, not personal data: every signed-in partner user reads them. An action's quarterly
# update (and a grant's quarterly return) is recorded by officers and supervisors of its lead
# agency, or by a partnership admin entering it for them. Supervisors of any agency and
# partnership admins manage plans, boards, meetings and grants; officers, supervisors and
# partnership admins record events and outreach sessions. Nothing in the domain is personal
# data except user accounts as owners (docs/governance.md).

from csphub.governance import models as governance_models  # noqa: E402

GOVERNANCE_MANAGE_ROLES = frozenset({Role.SUPERVISOR, Role.PARTNERSHIP_ADMIN})
GOVERNANCE_RECORD_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.PARTNERSHIP_ADMIN})


def reads_governance(user: Any) -> bool:
    """Every signed-in user with an agency."""
    return membership(user) is not None


def _governance(user: Any, model: type) -> QuerySet[Any]:
    if not reads_governance(user):
        return model.objects.none()
    return model.objects.filter(archived_on__isnull=True)


def plans(user: Any) -> QuerySet[Any]:
    return _governance(user, governance_models.Plan)


def plan_actions(user: Any) -> QuerySet[Any]:
    return _governance(user, governance_models.Action).filter(priority__plan__archived_on__isnull=True)


def boards(user: Any) -> QuerySet[Any]:
    return _governance(user, governance_models.Board)


def board_meetings(user: Any) -> QuerySet[Any]:
    return _governance(user, governance_models.Meeting)


def decisions(user: Any) -> QuerySet[Any]:
    """The register: decisions of meetings not archived (a meeting archived as entered in
    error takes its decisions out of the register with it)."""
    return _governance(user, governance_models.Decision).filter(meeting__archived_on__isnull=True)


def grants(user: Any) -> QuerySet[Any]:
    return _governance(user, governance_models.Grant)


def events(user: Any) -> QuerySet[Any]:
    return _governance(user, governance_models.Event)


def outreach_sessions(user: Any) -> QuerySet[Any]:
    return _governance(user, governance_models.OutreachSession)


def governance_papers(user: Any) -> QuerySet[Any]:
    return _governance(user, governance_models.Paper)


def plan_priorities(user: Any) -> QuerySet[Any]:
    return _governance(user, governance_models.Priority).filter(plan__archived_on__isnull=True)


def calendar_items(user: Any) -> QuerySet[Any]:
    """Deadlines and annual attendances: partnership business, read by every signed-in user."""
    return _governance(user, governance_models.CalendarItem)


def _archived_governance(user: Any, model: type) -> QuerySet[Any]:
    """Records archived (never deleted): listed for those who manage governance."""
    if not can_manage_governance(user):
        return model.objects.none()
    return model.objects.filter(archived_on__isnull=False).order_by("-archived_on")


def archived_plans(user: Any) -> QuerySet[Any]:
    return _archived_governance(user, governance_models.Plan)


def archived_boards(user: Any) -> QuerySet[Any]:
    return _archived_governance(user, governance_models.Board)


def archived_grants(user: Any) -> QuerySet[Any]:
    return _archived_governance(user, governance_models.Grant)


def archived_events(user: Any) -> QuerySet[Any]:
    return _archived_governance(user, governance_models.Event)


def archived_meetings(user: Any) -> QuerySet[Any]:
    return _archived_governance(user, governance_models.Meeting)


def archived_decisions(user: Any) -> QuerySet[Any]:
    return _archived_governance(user, governance_models.Decision)


def can_manage_governance(user: Any) -> bool:
    """Create and change plans, boards, meetings, decisions and grants; import plans."""
    return role_of(user) in GOVERNANCE_MANAGE_ROLES


def calendar_keepers() -> QuerySet[Any]:
    """Who is reminded of the partnership's calendar (statutory deadlines, annual attendances):
    its active partnership admins, the CSP team who keep it; where there is none, the active
    supervisors, who may also mark the items done."""
    for roles_ in ([Role.PARTNERSHIP_ADMIN], [Role.SUPERVISOR]):
        members = Membership.objects.filter(role__in=roles_).values("user_id")
        keepers = get_user_model().objects.filter(id__in=members, is_active=True)
        if keepers.exists():
            return keepers
    return get_user_model().objects.none()


def can_record_engagement(user: Any) -> bool:
    """Record events and anonymous outreach sessions."""
    return role_of(user) in GOVERNANCE_RECORD_ROLES


def can_update_action(user: Any, action: Any) -> bool:
    """Record a quarterly update (and override its RAG): the lead agency's officers and
    supervisors, or a partnership admin."""
    if role_of(user) == Role.PARTNERSHIP_ADMIN:
        return True
    return works_cases(user) and agency_id_of(user) == action.led_by_id


def can_report_grant(user: Any, grant: Any) -> bool:
    """Record a workstream's quarterly actuals: as for an action, by the grant's lead agency."""
    return can_update_action(user, grant)


# ---- end Governance ----

# ---- Encampments ----------------------------------------------------------------------------
# Council officers and supervisors manage sites and incursions (the council's legal route);
# police officers and supervisors see them and record police powers and joint visits. Analysts,
# supervisors and partnership admins see the figures (counts, no people). Tents / rough sleeping
# records name people: they are seen by officers and supervisors of the agency that recorded
# them or shares them, and the people on them only where policy.people() already allows.

from csphub.accounts.models import Agency as _Agency  # noqa: E402
from csphub.encampments.models import Incursion as _Incursion  # noqa: E402
from csphub.encampments.models import LegalStep as _LegalStep  # noqa: E402
from csphub.encampments.models import Site as _Site  # noqa: E402
from csphub.encampments.models import TentCase as _TentCase  # noqa: E402

_ENCAMPMENT_AGENCY_KINDS = frozenset({_Agency.Kind.COUNCIL, _Agency.Kind.POLICE})


def _agency_kind(user: Any) -> str | None:
    m = membership(user)
    return m.agency.kind if m is not None else None


def can_view_encampments(user: Any) -> bool:
    """Officers and supervisors of a council team or the police."""
    return works_cases(user) and _agency_kind(user) in _ENCAMPMENT_AGENCY_KINDS


def can_manage_encampments(user: Any) -> bool:
    """Council officers and supervisors: sites, incursions, welfare, the council's legal steps, outcome."""
    return works_cases(user) and _agency_kind(user) == _Agency.Kind.COUNCIL


def can_record_police_powers(user: Any) -> bool:
    """Police officers and supervisors: s61, s62, s60C, s62A-E and joint visits."""
    return works_cases(user) and _agency_kind(user) == _Agency.Kind.POLICE


def encampment_sites(user: Any) -> QuerySet[_Site]:
    if not can_view_encampments(user):
        return _Site.objects.none()
    return _Site.objects.filter(archived_on__isnull=True)


def incursions(user: Any) -> QuerySet[_Incursion]:
    if not can_view_encampments(user):
        return _Incursion.objects.none()
    return _Incursion.objects.filter(archived_on__isnull=True)


def legal_steps(user: Any) -> QuerySet[_LegalStep]:
    return _LegalStep.objects.filter(incursion__in=incursions(user), archived_on__isnull=True)


def can_view_encampment_figures(user: Any) -> bool:
    """Counts, days, costs and the map of sites: no people."""
    return role_of(user) in STATISTICS_ROLES


def encampment_figure_incursions() -> QuerySet[_Incursion]:
    """Every incursion, for figures only (callers check can_view_encampment_figures)."""
    return _Incursion.objects.filter(archived_on__isnull=True)


def tent_cases(user: Any) -> QuerySet[_TentCase]:
    if not can_view_encampments(user):
        return _TentCase.objects.none()
    agency = agency_id_of(user)
    ids = _TentCase.objects.filter(Q(recorded_by_agency_id=agency) | Q(shared_with__id=agency)).values("id")
    return _TentCase.objects.filter(id__in=ids, archived_on__isnull=True)


def can_record_tent_cases(user: Any) -> bool:
    return can_view_encampments(user)


def tent_people(user: Any, tent: _TentCase) -> QuerySet[Person]:
    """The people on a tents record that the user may see (need-to-know, as for casework)."""
    if not tent_cases(user).filter(pk=tent.pk).exists():
        return Person.objects.none()
    return people(user).filter(tent_cases=tent)


def tent_people_of(user: Any, tents: Any) -> QuerySet[Person]:
    """The people on any of ``tents`` that the user may see, one row per (person, record)."""
    return people(user).filter(tent_cases__in=tent_cases(user).filter(pk__in=[t.pk for t in tents]))


# ---- PSPOs ----------------------------------------------------------------------------------
# The register of orders is public information: every signed-in member sees it. Council
# officers and supervisors make, consult on, extend, vary and discharge orders. Any officer or
# supervisor records enforcement for their own agency; a record is seen by its agency and by the
# council that made the order. Figures (counts) for analysts, supervisors, partnership admins.

from csphub.pspo.models import Enforcement as _Enforcement  # noqa: E402
from csphub.pspo.models import Order as _Order  # noqa: E402
from csphub.pspo.models import OrderDocument as _OrderDocument  # noqa: E402


def pspo_orders(user: Any) -> QuerySet[_Order]:
    if membership(user) is None:
        return _Order.objects.none()
    return _Order.objects.filter(archived_on__isnull=True)


def pspo_documents(user: Any) -> QuerySet[_OrderDocument]:
    """The published order documents: public, like the register (every signed-in member)."""
    return _OrderDocument.objects.filter(order__in=pspo_orders(user), archived_on__isnull=True)


def can_manage_pspos(user: Any) -> bool:
    return works_cases(user) and _agency_kind(user) == _Agency.Kind.COUNCIL


def can_record_pspo_enforcement(user: Any) -> bool:
    return works_cases(user)


def pspo_enforcement(user: Any) -> QuerySet[_Enforcement]:
    if not works_cases(user):
        return _Enforcement.objects.none()
    agency = agency_id_of(user)
    return _Enforcement.objects.filter(Q(agency_id=agency) | Q(order__made_by_agency_id=agency),
                                       archived_on__isnull=True)


def can_view_pspo_figures(user: Any) -> bool:
    return role_of(user) in STATISTICS_ROLES


def pspo_figure_enforcement() -> QuerySet[_Enforcement]:
    """Every enforcement record, for counts only (callers check can_view_pspo_figures)."""
    return _Enforcement.objects.filter(archived_on__isnull=True)

# ---- Corrections (issue 12, item 1) -----------------------------------------------------------


def can_correct_person(user: Any, person: Person) -> bool:
    """Correct a person's details: officers and supervisors of the agency that recorded them, or
    of an agency that may record on an open case they are on. An agency that only received a
    referral or sits on a panel sees the person but does not correct them."""
    if not works_cases(user) or not can_view_person(user, person):
        return False
    if owns_person(user, person):
        return True
    open_cases = cases(user).exclude(status="closed")
    return CaseParty.objects.filter(person=person, case__in=open_cases).exists()


# ---- Find: locations (issue 12, items 4 and 5) --------------------------------------------------


def locations(user: Any) -> QuerySet[Location]:
    """Places the user may see: where a case they may see is, or an incident on it happened.
    Officers and supervisors only (an address may be someone's home)."""
    if not works_cases(user):
        return Location.objects.none()
    agency = agency_id_of(user)
    return Location.objects.filter(id__in=_ids(("locations", agency), lambda: Location.objects.filter(
        Q(cases__in=_case_ids(agency)) | Q(incidents__case_id__in=_case_ids(agency)), archived_on__isnull=True)))


def can_view_caseload(user: Any) -> bool:
    """A team's caseload (per officer: open, overdue, reviews due): supervisors, for their agency."""
    return role_of(user) == Role.SUPERVISOR


def team(user: Any) -> QuerySet[Any]:
    """The active officers and supervisors of a supervisor's agency (none for other roles)."""
    from django.contrib.auth import get_user_model

    if not can_view_caseload(user):
        return get_user_model().objects.none()
    members = Membership.objects.filter(agency_id=agency_id_of(user), role__in=list(CASEWORK_ROLES)).values("user_id")
    return get_user_model().objects.filter(id__in=members, is_active=True)


def caseload_cases(user: Any) -> QuerySet[AsbCase]:
    """The cases a supervisor's team leads (their agency's), for counting per officer."""
    if not can_view_caseload(user):
        return AsbCase.objects.none()
    return AsbCase.objects.filter(lead_agency_id=agency_id_of(user), archived_on__isnull=True)


# ---- Daily Dial In ----
# Entries are made by officers and supervisors of any partner agency. The morning view (every
# agency's entries, the people named, the prompts) is for officers and supervisors of agencies
# on the distribution; an agency not on it sees only the entries it made. People named in
# entries are shown to casework roles only. Analysts (and supervisors, partnership admins) see
# counts. Operations and place-based initiatives hold no personal data: every member of the
# partnership sees them; officers and supervisors record them.


def on_dialin_distribution(user: Any) -> bool:
    """An officer or supervisor of an agency on the dial-in's distribution. A signed-in page's
    user was read with it (csphub.accounts.backends), so the navigation asks no query; any other
    user object asks the database each time."""
    if not works_cases(user):
        return False
    agency = membership(user).agency  # type: ignore[union-attr]  # works_cases: a membership
    related = Agency.dialin_distribution.related  # type: ignore[attr-defined]
    if related.is_cached(agency):
        return related.get_cached_value(agency) is not None
    return Distribution.objects.filter(agency_id=agency.pk).exists()


def can_log_dialin(user: Any) -> bool:
    return works_cases(user)


def can_view_morning(user: Any) -> bool:
    return on_dialin_distribution(user)


def dialin_entries(user: Any) -> QuerySet[DialInEntry]:
    """Entries with their accounts: every entry for the distribution, the agency's own otherwise."""
    if not works_cases(user):
        return DialInEntry.objects.none()
    found = DialInEntry.objects.filter(archived_on__isnull=True)
    return found if on_dialin_distribution(user) else found.filter(agency_id=agency_id_of(user))


def own_dialin_entries(user: Any) -> QuerySet[DialInEntry]:
    """The entries the user's own agency made (the quick-entry page lists the latest)."""
    return dialin_entries(user).filter(agency_id=agency_id_of(user))


def can_archive_dialin_entry(user: Any, entry: DialInEntry) -> bool:
    """An entry made by mistake is archived (with a reason) by its own agency's officers."""
    return works_cases(user) and entry.agency_id == agency_id_of(user)


def dialin_entry_people(user: Any) -> QuerySet[EntryPerson]:
    """People named in the entries the user may see (casework roles only)."""
    return EntryPerson.objects.filter(entry__in=dialin_entries(user), person__archived_on__isnull=True)


def can_view_dialin_figures(user: Any) -> bool:
    """Counts of entries (no accounts, no places finer than the ward, no people)."""
    return role_of(user) in STATISTICS_ROLES | CASEWORK_ROLES


def dialin_counted_entries(user: Any) -> QuerySet[DialInEntry]:
    """Entries counted in the figures (aggregates only: never listed)."""
    if not can_view_dialin_figures(user):
        return DialInEntry.objects.none()
    return DialInEntry.objects.filter(archived_on__isnull=True)


def dialin_decisions(user: Any) -> QuerySet[Decision]:
    return Decision.objects.filter(entry__in=dialin_entries(user), archived_on__isnull=True)


def can_record_dialin_decision(user: Any) -> bool:
    """Decisions are taken at the daily meeting: the distribution's officers and supervisors."""
    return on_dialin_distribution(user)


def operations(user: Any) -> QuerySet[Operation]:
    if membership(user) is None:
        return Operation.objects.none()
    return Operation.objects.filter(archived_on__isnull=True)


def can_plan_operation(user: Any) -> bool:
    return works_cases(user)


def can_record_output(user: Any, operation: Operation) -> bool:
    """Officers and supervisors of the operation's lead agency or an agency taking part."""
    agency = agency_id_of(user)
    return works_cases(user) and (operation.lead_agency_id == agency
                                  or operation.agencies.filter(pk=agency).exists())


def place_initiatives(user: Any) -> QuerySet[PlaceInitiative]:
    if membership(user) is None:
        return PlaceInitiative.objects.none()
    return PlaceInitiative.objects.filter(archived_on__isnull=True)


def can_plan_initiative(user: Any) -> bool:
    return works_cases(user)


def can_change_initiative(user: Any, initiative: PlaceInitiative) -> bool:
    return works_cases(user) and initiative.lead_agency_id == agency_id_of(user)


def can_draw_area(user: Any) -> bool:
    """The base map an operation's, initiative's or PSPO's area is drawn on: for those who record
    them (officers and supervisors). Ward boundaries only, no personal data."""
    return works_cases(user)


# ---- Inbox (issue 12, item 3) ---------------------------------------------------------------
# An item is for the officers and supervisors of its agency, or for one of them when it names a
# user. It holds no personal data (a kind, a link, a neutral title); the record it links to is
# checked again when opened.


def inbox_items(user: Any) -> QuerySet[Any]:
    """The items waiting for the user: their agency's, and their own (officers and supervisors)."""
    from csphub.inbox.models import InboxItem

    if not works_cases(user):
        return InboxItem.objects.none()
    return InboxItem.objects.filter(Q(user__isnull=True) | Q(user_id=user.pk), agency_id=agency_id_of(user))


def inbox_recipients(agency_id: int, user_id: int | None) -> QuerySet[Any]:
    """Who an item for ``agency_id`` (and ``user_id``, when set) reaches: active officers and
    supervisors of the agency."""
    members = Membership.objects.filter(agency_id=agency_id, role__in=list(CASEWORK_ROLES))
    if user_id is not None:
        members = members.filter(user_id=user_id)
    return get_user_model().objects.filter(id__in=members.values("user_id"), is_active=True)


def supervisors_of(user: Any) -> QuerySet[Any]:
    """The active supervisors of the user's agency, other than the user (told of overdue work)."""
    agency_id = agency_id_of(user)
    if agency_id is None:
        return get_user_model().objects.none()
    members = Membership.objects.filter(agency_id=agency_id, role=Role.SUPERVISOR).values("user_id")
    return get_user_model().objects.filter(id__in=members, is_active=True).exclude(pk=user.pk)
