"""Permission matrix rows for letters, tools and powers' own pages, notices from warnings,
penalties' payment (issue 12, item 7) and the ASB Case Review letters (items 7 and 8; see matrix_kit).

Writing a letter records on the case, and the letter holds the person's name and the conduct: the
officers and supervisors of the lead and sharing agencies may (200, the file); everyone else is
answered as if the intervention did not exist (404), as the intervention's own correction page is
(analysts read no free text, so they do not see the intervention to refuse it with a 403). A tool's
page, making a notice from a warning and recording a penalty's payment follow the same rule; so do
the letters to a case review's applicant (the review's own rule, "case_review").
"""

from __future__ import annotations

from datetime import timedelta

from csphub.casework import services

from .matrix_kit import CASEWORK, ON_CASE, Exercise, Read, World, iso, sees

RULES = {"letter": sees(CASEWORK, ON_CASE)}


def add_records(world: World) -> None:
    """A warning to the subject whose time to comply has passed, the notice that followed it and
    a fixed penalty for breaching that notice, due yesterday and unpaid (the world's Acceptable
    Behaviour Contract has a letter too)."""
    officer, today, case, subject = world.lead_officer, world.today, world.records["case"], world.records["subject"]
    world.records["letters_cpw"] = services.issue_intervention(
        officer, case, kind="cpw", person=subject, conduct="Shouting in the street", issued_on=today - timedelta(days=40),
        comply_by=today - timedelta(days=26))
    services.issue_intervention(officer, case, kind="cpn", person=subject, conduct="Shouting in the street",
                                issued_on=today - timedelta(days=20))
    world.records["letters_fpn"] = services.issue_intervention(officer, case, kind="cpn_fpn", person=subject,
                                                           issued_on=today - timedelta(days=15))


WARNING = {"pk": "letters_cpw"}
PENALTY = {"pk": "letters_fpn"}


def _form(params: dict[str, str], record: str, body) -> tuple[Exercise, ...]:
    return (Exercise("letter", "get", params, reads=(Read("intervention", record),), refused="intervention"),
            Exercise("letter", "post", params, body=body, refused="intervention"))


PAGES = {
    "/interventions/<int:pk>/": (
        Exercise("letter", "get", WARNING, reads=(Read("intervention", "letters_cpw"), Read("person", "subject")),
                 refused="intervention"),),
    "/interventions/<int:pk>/letter/": (
        Exercise("letter", "post", {"pk": "intervention"}, body=lambda w: {"format": "docx"}, refused="intervention",
                 ok=200),),
    "/interventions/<int:pk>/notice/": _form(WARNING, "letters_cpw", lambda w: {
        "issued_on-day": w.today.day, "issued_on-month": w.today.month, "issued_on-year": w.today.year}),
    "/interventions/<int:pk>/payment/": _form(PENALTY, "letters_fpn", lambda w: {
        "status": "withdrawn", "on-day": w.today.day, "on-month": w.today.month, "on-year": w.today.year,
        "version": ""}),
    "/case-reviews/<int:pk>/letter/": (
        Exercise("case_review", "post", {"pk": "case_review"}, body=lambda w: {"letter": "acknowledgement:docx"},
                 refused="case_review", ok=200),),
}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {}

__all__ = ["API_ROUTES", "PAGES", "RULES", "add_records", "iso"]
