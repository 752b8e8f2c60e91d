"""Loading the register and the control room's activity report into the database.

Both are idempotent: a camera is matched by its id (a re-load updates what the file gives and
creates nothing twice); activity by camera and month (a re-load replaces the month). Bad rows
are quarantined (``QuarantinedRow``: file, line, field, value, reason), replacing any the same
file left before; the good rows load in one transaction, so a failure part-way loads nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from csphub.audit.services import Action, Channel, record

from . import files
from .models import ActivityMonth, Camera, MonitoringMonth, QuarantinedRow, Review


@dataclass
class RegisterSummary:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    ward_sources: Counter = field(default_factory=Counter)
    ward_mismatches: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        wards = ", ".join(f"{n} from {s}" for s, n in sorted(self.ward_sources.items())) or "none"
        text = (f"{self.file}: {self.created} cameras added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.quarantined} rows quarantined; wards: {wards}")
        if self.ward_mismatches:
            text += f"; {len(self.ward_mismatches)} ward names differ from the ONS lookup"
        if self.ignored_columns:
            text += f"; columns not used: {', '.join(self.ignored_columns)}"
        return text


def _quarantine(kind: str, path: str, bad: list[files.BadRow]) -> None:
    QuarantinedRow.objects.filter(kind=kind, file=path).delete()
    QuarantinedRow.objects.bulk_create([
        QuarantinedRow(kind=kind, file=path, line=b.line, field=b.field[:100], value=b.value[:300], reason=b.reason,
                       raw=b.raw) for b in bad])


def _coordinates(rows: list[files.CameraRow]) -> None:
    """Easting/northing (British National Grid) -> WGS84 longitude and latitude."""
    grid = [r for r in rows if "easting" in r.values]
    if not grid:
        return
    import numpy as np

    from csphub.analytics.partner_asb import british_grid_to_wgs84

    lon, lat = british_grid_to_wgs84(np.array([r.values["easting"] for r in grid]),
                                     np.array([r.values["northing"] for r in grid]))
    for r, x, y in zip(grid, lon.tolist(), lat.tolist(), strict=True):
        r.values["longitude"], r.values["latitude"] = round(x, 6), round(y, 6)


def _wards(rows: list[files.CameraRow], summary: RegisterSummary) -> None:
    """Each camera's ward: the file's own ward columns first (checked against the ONS lookup
    when one is loaded); else the ward boundary the point lies in. LSOA from the boundaries."""
    from .evidence import place, ward_names

    placed = place([(r.values["longitude"], r.values["latitude"]) for r in rows if "longitude" in r.values])
    places = iter(placed)
    ons = ward_names(sorted({r.values["ward_code"] for r in rows if r.values.get("ward_code")}))
    for r in rows:
        p = next(places) if "longitude" in r.values else None
        if p is not None and p.lsoa_code:
            r.values["lsoa_code"] = p.lsoa_code
        code, name = r.values.get("ward_code", ""), r.values.get("ward_name", "")
        if code or name:
            source = "the file"
            if code in ons:
                ons_name, vintage = ons[code]
                source = f"the file (code in the ONS {vintage} lookup)"
                if not name:
                    r.values["ward_name"], source = ons_name, f"the file's code, named by the ONS {vintage} lookup"
                elif ons_name and ons_name.casefold() != name.casefold():
                    summary.ward_mismatches.append(f"line {r.line}: {code} is {ons_name!r} in the ONS lookup, "
                                                   f"{name!r} in the file")
            r.values["ward_source"] = source
        elif p is not None and p.ward_code:
            r.values.update(ward_code=p.ward_code, ward_name=p.ward_name, ward_source="boundaries")
        summary.ward_sources[r.values.get("ward_source", "nowhere")] += 1


@transaction.atomic
def import_register(path: Path | str, user: Any = None, channel: str = Channel.CLI, label: str | None = None
                    ) -> RegisterSummary:
    """Load a camera register CSV (see csphub.cctv.files.read_register for the columns)."""
    parsed = files.read_register(path, label)
    summary = RegisterSummary(parsed.path, ignored_columns=parsed.ignored_columns)
    _coordinates(parsed.rows)
    _wards(parsed.rows, summary)
    existing = {c.camera_id: c for c in Camera.objects.filter(camera_id__in=[r.camera_id for r in parsed.rows])}
    for row in parsed.rows:
        values = {k: v for k, v in row.values.items() if k not in ("easting", "northing")}
        if row.location:
            values["location"] = row.location
        camera = existing.get(row.camera_id)
        if camera is None:
            camera = Camera(camera_id=row.camera_id, source_file=parsed.path, **values)
            if not camera.location:
                camera.location = f"{camera.latitude:.5f}, {camera.longitude:.5f}"
            camera.save_by(user)
            summary.created += 1
            continue
        changed = [k for k, v in values.items() if getattr(camera, k) != v]
        if not changed:
            summary.unchanged += 1
            continue
        for k in changed:
            setattr(camera, k, values[k])
        camera.source_file = parsed.path
        camera.save_by(user)
        summary.updated += 1
    _quarantine("register", parsed.path, parsed.bad)
    summary.quarantined = len(parsed.bad)
    summary.problems = [str(b) for b in parsed.bad]
    record(user, Action.CREATED, "camera_register", "", channel=channel,
           summary=f"{summary.created} added, {summary.updated} updated, {summary.quarantined} quarantined")
    return summary


@dataclass
class ActivitySummary:
    file: str
    months: list[date] = field(default_factory=list)
    rows_loaded: int = 0
    monitoring_months: int = 0
    quarantined: int = 0
    reviews_opened: list[Review] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        span = (f"{min(self.months):%b %Y} to {max(self.months):%b %Y}" if self.months else "no months")
        opened = ", ".join(f"{r.reference} ({r.camera.camera_id})" for r in self.reviews_opened) or "none"
        return (f"{self.file}: {self.rows_loaded} camera-months ({span}), {self.monitoring_months} months of "
                f"monitoring hours, {self.quarantined} rows quarantined; placement reviews opened: {opened}")


@transaction.atomic
def load_activity(path: Path | str, user: Any = None, today: date | None = None, channel: str = Channel.CLI,
                  label: str | None = None) -> ActivitySummary:
    """Load the control room's monthly activity report, then open a placement review for every
    camera the six-month rule now catches. A row naming a camera not on the register is
    quarantined."""
    from .services import open_zero_activity_reviews

    parsed = files.read_activity(path, label)
    summary = ActivitySummary(parsed.path)
    cameras = {c.camera_id: c for c in Camera.objects.filter(camera_id__in={a.camera_id for a in parsed.activity})}
    bad = list(parsed.bad)
    for row in parsed.activity:
        camera = cameras.get(row.camera_id)
        if camera is None:
            bad.append(files.BadRow(parsed.path, row.line, "camera", row.camera_id,
                                    "a camera on the register (load the register first: csphub cctv import)"))
            continue
        ActivityMonth.objects.update_or_create(camera=camera, month=row.month, defaults={
            **row.counts, "source_file": parsed.path, "line": row.line})
        summary.rows_loaded += 1
        if row.month not in summary.months:
            summary.months.append(row.month)
    for m in parsed.monitoring:
        MonitoringMonth.objects.update_or_create(month=m.month, defaults={
            "hours_monitored": m.hours_monitored, "downtime_hours": m.downtime_hours, "source_file": parsed.path})
        summary.monitoring_months += 1
    bad.sort(key=lambda b: b.line)
    _quarantine("activity", parsed.path, bad)
    summary.quarantined, summary.problems = len(bad), [str(b) for b in bad]
    record(user, Action.CREATED, "camera_activity", "", channel=channel,
           summary=f"{summary.rows_loaded} camera-months, {summary.quarantined} quarantined")
    summary.reviews_opened = open_zero_activity_reviews(today or timezone.localdate(), user, channel)
    return summary


def quarantined(kind: str = "", file: str = "") -> list[QuarantinedRow]:
    found = QuarantinedRow.objects.all()
    if kind:
        found = found.filter(kind=kind)
    if file:
        found = found.filter(file=file)
    return list(found[:5000])


def load_upload(user: Any, kind: str, uploaded: Any, today: date | None = None) -> RegisterSummary | ActivitySummary:
    """A register or activity file the CCTV lead uploads on the page: checked like every upload
    (size, content type: a CSV), loaded as from the command line, its rows quarantined under
    ``upload: <its name>`` (uploading it again replaces them)."""
    import os
    import tempfile

    from csphub.core.uploads import check_upload

    from .services import require_lead

    require_lead(user)
    check_upload(uploaded)
    label = f"upload: {os.path.basename(uploaded.name or 'file.csv')}"[:300]
    with tempfile.TemporaryDirectory(prefix="cctv-upload-") as folder:
        path = Path(folder) / "upload.csv"
        with path.open("wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        if kind == "register":
            return import_register(path, user, Channel.WEB, label=label)
        return load_activity(path, user, today, Channel.WEB, label=label)
