"""Operations and days of action with their outputs, and place-based initiatives with their
phases and before/after evaluation. No personal data: every member of the partnership sees them;
officers and supervisors record them (csphub.access.policy, "Daily Dial In")."""

from __future__ import annotations

import io
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
from django.db import transaction
from django.db.models import Sum

from csphub.access import policy, reads, roles
from csphub.accounts.models import Agency
from csphub.audit.services import Action, Channel, record
from csphub.core.listing import Slice, Window, take
from csphub.core.models import lock
from csphub.errors import PermissionRefused, RuleRefused

from . import rules
from .models import InitiativePhase, Operation, OperationOutput, OutputKind, PlaceInitiative

log = logging.getLogger(__name__)


def output_kinds() -> list[OutputKind]:
    return list(OutputKind.objects.filter(is_active=True))


def _area(text: str, field: str) -> str:
    if not text.strip():
        return ""
    try:
        return json.dumps(rules.parse_area(text, field, within=partnership_extent()))
    except ValueError as e:
        raise RuleRefused("bad_area", str(e), field) from e


# ---- The base map an area is drawn on ------------------------------------------------------------

NO_BASE_MAP = ("No map to draw on: ward boundaries are not loaded (csphub boundaries load wards.geojson). "
               "Paste the area as GeoJSON or as 'longitude latitude' vertices instead.")


def _partnership_wards() -> list[Any]:
    from csphub.analytics.area_drawing import partnership_wards
    from csphub.analytics.warehouse import open_warehouse
    from csphub.settings import load_settings

    path = load_settings().warehouse_path
    if not path.exists():
        return []
    try:
        with open_warehouse(path, read_only=True) as con:
            return partnership_wards(con)
    except duckdb.Error as e:  # busy or damaged: the area is then checked against Great Britain only
        log.warning("the partnership's wards could not be read: %s", e)
        return []


def partnership_extent() -> tuple[float, float, float, float] | None:
    """The base map's extent (min lon, min lat, max lon, max lat): a drawn or pasted area must lie
    inside it. None without ward boundaries (then only "in Great Britain" is checked)."""
    from csphub.analytics.area_drawing import projection_of

    wards = _partnership_wards()
    return projection_of(wards).extent if wards else None


def area_base_map(user: Any) -> bytes:
    """The SVG of the partnership's wards an area is drawn on (csphub.analytics.area_drawing),
    or a small SVG saying why there is none."""
    from csphub.analytics.area_drawing import base_map_svg
    from csphub.analytics.maps import message_svg

    if not policy.can_draw_area(user):
        raise PermissionRefused("The map for drawing an area is for officers and supervisors.")
    wards = _partnership_wards()
    return base_map_svg(wards) if wards else message_svg(NO_BASE_MAP)


# ---- Operations --------------------------------------------------------------------------------

def operation_list(user: Any, *, channel: str = Channel.WEB) -> list[Operation]:
    return list(reads.operations(user, purpose="operation list", channel=channel).select_related("lead_agency"))


def operation_window(user: Any, window: Window, *, channel: str = Channel.API) -> Slice:
    """A window of the operations, newest first (or, syncing, by change)."""
    found = take(reads.operations(user, purpose="api operation list", channel=channel).select_related("lead_agency"),
                 window)
    totals = totals_of(found.rows)
    return replace(found, rows=[(op, totals[op.pk]) for op in found.rows])


def get_operation(user: Any, pk: object, *, channel: str = Channel.WEB) -> Operation:
    return reads.operation(user, pk, purpose="operation", channel=channel)


@transaction.atomic
def plan_operation(user: Any, *, name: str, aim: str, starts_on: date, ends_on: date | None = None, wards: str = "",
                   area: str = "", agencies: list[Agency] | None = None, channel: str = Channel.WEB) -> Operation:
    if not policy.can_plan_operation(user):
        raise PermissionRefused("Operations are recorded by officers and supervisors.")
    if ends_on and ends_on < starts_on:
        raise RuleRefused("ends_before_start", "An operation cannot end before it starts.", "ends_on")
    if not name.strip():
        raise RuleRefused("name_required", "Give the operation a name.", "name")
    operation = Operation(name=name.strip(), aim=aim.strip(), starts_on=starts_on, ends_on=ends_on, wards=wards.strip(),
                          area_geojson=_area(area, "area"))
    operation.lead_agency = roles.membership(user).agency  # the recording officer's agency leads
    operation.save_by(user)
    operation.agencies.set(agencies or [])
    record(user, Action.CREATED, "operation", operation.pk, channel=channel)
    return operation


@transaction.atomic
def record_output(user: Any, operation: Operation, *, kind: OutputKind | str, quantity: Decimal | float | int,
                  on: date, note: str = "", channel: str = Channel.WEB) -> OperationOutput:
    """A number the operation achieved (e.g. 30 arrests, 1.6 tonnes of waste removed)."""
    lock(operation)
    if not policy.can_record_output(user, operation):
        raise PermissionRefused(f"Only officers and supervisors of agencies taking part in {operation} record its outputs.")
    if not isinstance(kind, OutputKind):
        found = OutputKind.objects.filter(name__iexact=str(kind).strip(), is_active=True).first()
        if found is None:
            known = ", ".join(k.name for k in output_kinds())
            raise RuleRefused("unknown_output_kind", f"No output kind {kind!r}; known: {known}.", "kind")
        kind = found
    quantity = Decimal(str(quantity))
    if quantity < 0:
        raise RuleRefused("negative_output", "An output is a count or an amount, not below 0.", "quantity")
    if on < operation.starts_on or (operation.ends_on and on > operation.ends_on):
        raise RuleRefused("output_outside_operation", f"{operation} ran from {operation.starts_on:%d %B %Y}"
                          f"{f' to {operation.ends_on:%d %B %Y}' if operation.ends_on else ''}.", "on")
    output = OperationOutput(operation=operation, kind=kind, quantity=quantity, on=on, note=note.strip(),
                             agency=roles.membership(user).agency)
    output.save_by(user)
    record(user, Action.CREATED, "operation_output", output.pk, channel=channel, summary=f"operation {operation.pk}")
    return output


def operation_totals(operation: Operation) -> list[tuple[OutputKind, Decimal]]:
    return totals_of([operation])[operation.pk]


def totals_of(operations: Sequence[Operation]) -> dict[int, list[tuple[OutputKind, Decimal]]]:
    """Each operation's outputs summed by kind (kinds in name order), in two queries for any number."""
    rows = (OperationOutput.objects.filter(operation__in=operations, archived_on__isnull=True)
            .values("operation", "kind").annotate(total=Sum("quantity")).order_by("kind__name"))
    kinds = {k.pk: k for k in OutputKind.objects.all()}
    out: dict[int, list[tuple[OutputKind, Decimal]]] = {op.pk: [] for op in operations}
    for r in rows:
        out[r["operation"]].append((kinds[r["kind"]], r["total"]))
    return out


def quarter_totals(user: Any, *, start: date | None = None, end: date | None = None) -> dict[str, dict[str, Decimal]]:
    """Outputs of every operation the user may see by financial quarter and kind."""
    return _quarter_totals(policy.operations(user), start, end)


def all_quarter_totals(*, start: date | None = None, end: date | None = None) -> dict[str, dict[str, Decimal]]:
    """Outputs of every operation by financial quarter and kind, for committee papers (the CLI)."""
    return _quarter_totals(Operation.objects.filter(archived_on__isnull=True), start, end)


def _quarter_totals(ops: Any, start: date | None, end: date | None) -> dict[str, dict[str, Decimal]]:
    found = OperationOutput.objects.filter(operation__in=ops, archived_on__isnull=True).select_related("kind")
    if start:
        found = found.filter(on__gte=start)
    if end:
        found = found.filter(on__lte=end)
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for output in found:
        totals[rules.financial_quarter(output.on)][str(output.kind)] += output.quantity
    return {q: dict(sorted(k.items())) for q, k in sorted(totals.items())}


# ---- Place-based initiatives ---------------------------------------------------------------------

def initiative_list(user: Any, *, channel: str = Channel.WEB) -> list[PlaceInitiative]:
    return list(reads.place_initiatives(user, purpose="initiative list", channel=channel))


def get_initiative(user: Any, pk: object, *, channel: str = Channel.WEB) -> PlaceInitiative:
    return reads.place_initiative(user, pk, purpose="initiative", channel=channel)


@transaction.atomic
def plan_initiative(user: Any, *, name: str, area: str, starts_on: date, description: str = "", streets: str = "",
                    wards: str = "", comparison_name: str = "", comparison: str = "",
                    phases: list[tuple[str, date, date | None]] | None = None,
                    channel: str = Channel.WEB) -> PlaceInitiative:
    if not policy.can_plan_initiative(user):
        raise PermissionRefused("Place-based initiatives are recorded by officers and supervisors.")
    initiative = PlaceInitiative(name=name.strip(), description=description.strip(), streets=streets.strip(),
                                 wards=wards.strip(), area_geojson=_area(area, "area") or _missing_area(),
                                 comparison_name=comparison_name.strip(),
                                 comparison_geojson=_area(comparison, "comparison"), starts_on=starts_on)
    initiative.lead_agency = roles.membership(user).agency  # the recording officer's agency leads
    initiative.save_by(user)
    for phase_name, phase_start, phase_end in phases or []:
        InitiativePhase.objects.create(initiative=initiative, name=phase_name, starts_on=phase_start, ends_on=phase_end)
    record(user, Action.CREATED, "place_initiative", initiative.pk, channel=channel)
    return initiative


def _missing_area() -> str:
    raise RuleRefused("bad_area", "area: draw or paste the area (GeoJSON, or 'lon lat' vertices one per line)", "area")


@transaction.atomic
def add_phase(user: Any, initiative: PlaceInitiative, *, name: str, starts_on: date, ends_on: date | None = None,
              channel: str = Channel.WEB) -> InitiativePhase:
    if not policy.can_change_initiative(user, initiative):
        raise PermissionRefused(f"Only officers and supervisors of {initiative.lead_agency} change {initiative}.")
    if ends_on and ends_on < starts_on:
        raise RuleRefused("ends_before_start", "A phase cannot end before it starts.", "ends_on")
    phase = InitiativePhase.objects.create(initiative=initiative, name=name.strip(), starts_on=starts_on, ends_on=ends_on)
    record(user, Action.CHANGED, "place_initiative", initiative.pk, channel=channel, summary=f"phase {phase.pk}")
    return phase


@dataclass
class Evaluation:
    initiative: PlaceInitiative
    result: Any  # csphub.analytics.place_counts.BeforeAfter


def evaluate(initiative: PlaceInitiative, *, months: int = 6, warehouse: Any = None) -> Evaluation:
    """Before/after crime and ASB in the initiative's area and its comparison area, from the
    warehouse (read-only). No warehouse file: says so, rather than showing zeros."""
    from csphub.analytics import place_counts
    from csphub.analytics.warehouse import open_warehouse
    from csphub.settings import load_settings

    path = warehouse or load_settings().warehouse_path
    if not path.exists():
        return Evaluation(initiative, place_counts.BeforeAfter(False, [], [], note=(
            f"There is no warehouse at {path}: load police.uk data (`csphub ingest police-uk`) to evaluate the area.")))
    comparison = json.loads(initiative.comparison_geojson) if initiative.comparison_geojson else None
    with open_warehouse(path, read_only=True) as con:
        result = place_counts.before_after(con, json.loads(initiative.area_geojson), initiative.starts_on, months=months,
                                           comparison=comparison, area_name=initiative.name,
                                           comparison_name=initiative.comparison_name or "Comparison area")
    return Evaluation(initiative, result)


def evaluation_areas(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The evaluation's rows per area, as the page, the PDF and the Word document show them."""
    res = evaluation.result
    return [{"name": a.name, "rows": [("All crime and ASB", a.all_crime), ("ASB", a.asb),
                                      ("Crime (not ASB)", a.crime_excluding_asb)]}
            for a in (res.area, res.comparison) if a is not None]


def evaluation_docx(evaluation: Evaluation) -> bytes:
    """The one-page evaluation as a Word document."""
    from docx import Document

    ini, res = evaluation.initiative, evaluation.result
    doc = Document()
    doc.add_heading(f"{ini.name}: before and after", level=1)
    doc.add_paragraph(ini.description or "")
    if ini.streets:
        doc.add_paragraph(f"Streets: {ini.streets}")
    for phase in ini.phases.all():
        doc.add_paragraph(f"{phase.name}: from {phase.starts_on:%d %B %Y}"
                          f"{f' to {phase.ends_on:%d %B %Y}' if phase.ends_on else ''}", style="List Bullet")
    if not res.before_months:
        doc.add_paragraph(res.note)
    else:
        doc.add_paragraph(f"Before: {res.before_months[0]:%B %Y} to {res.before_months[-1]:%B %Y}; after: "
                          f"{res.after_months[0]:%B %Y} to {res.after_months[-1]:%B %Y} ({len(res.before_months)} "
                          "months each, like for like; the start month is left out).")
        table = doc.add_table(rows=1, cols=6)
        for cell, text in zip(table.rows[0].cells, ["Area", "Measure", "Before", "After", "Change", "p-value"], strict=True):
            cell.text = text
        for area in evaluation_areas(evaluation):
            for label, change in area["rows"]:
                row = table.add_row().cells
                values = [area["name"], label, str(change.before), str(change.after),
                          "n/a" if change.change_percent is None else f"{change.change_percent:+.1f}%",
                          "n/a" if change.p_value is None else f"{change.p_value:.3f}"]
                for cell, text in zip(row, values, strict=True):
                    cell.text = text
        doc.add_paragraph(METHOD)
    doc.add_paragraph("Contains public sector information licensed under the Open Government Licence v3.0 (police.uk).")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


METHOD = ("Counts are police.uk street-level points (anonymised map points) inside the drawn area. The change is "
          "tested as the strategic assessment tests a like-for-like change: a quasi-Poisson model of the monthly "
          "counts, each month after the start paired with the month as far before it, so months that swing widely "
          "need a bigger change; where they vary no more than chance, or fewer than two pairs have counts, the exact "
          "conditional binomial test of the two totals. p < 0.05 means a change bigger than chance alone would "
          "usually give, not that the initiative caused it: compare with the comparison area.")
