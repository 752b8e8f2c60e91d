"""``csphub demo``: build the fictional partnership of Riverford and load it like real data.

The demo is a list of named steps (:data:`DEMO_STEPS`), each a callable taking the shared
:class:`DemoContext`, so later work can append its own (seeding casework, writing a sample
assessment) without touching the ones before.

Examples:
    >>> [name for name, _ in DEMO_STEPS][:2]
    ['Write the source files', 'Load the ward lookup']
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import click
import duckdb
from rich.console import Console
from rich.progress import Progress

from csphub.analytics.synthetic import DEMO_AREA, DEMO_LAD, DemoSources, write_demo_sources
from csphub.analytics.synthetic.demo_sources import DEFAULT_FORCE_NAME
from csphub.analytics.synthetic.places import AUTHORITIES
from csphub.settings import load_settings

from .governance import seed_demo_governance  # ---- Governance ----
from .partner import load_demo_partner_data
from .partner_asb import load_demo_partner_asb

POPULATION_SOURCE = "Fictional mid-year estimate (CSP Hub demo)"
DEMO_LSOA_PREFIX = "E01999"
DEMO_WARD_PREFIX = "E05999"


@dataclass
class DemoContext:
    """Everything the steps share: where things go, the options, and what each step did."""

    data_dir: Path
    con: duckdb.DuckDBPyConnection
    console: Console
    seed: int = 2024
    years: int = 5
    end_month: date | None = None
    force_name: str = DEFAULT_FORCE_NAME
    sources: DemoSources | None = None
    results: dict[str, Any] = field(default_factory=dict)

    @property
    def source_dir(self) -> Path:
        return self.data_dir / "demo" / "source"

    def require_sources(self) -> DemoSources:
        if self.sources is None:
            raise RuntimeError("the source files are written by the first demo step")
        return self.sources


def write_sources(ctx: DemoContext) -> str:
    ctx.sources = write_demo_sources(ctx.source_dir, ctx.seed, ctx.years, ctx.end_month,
                                     ctx.force_name)
    return f"{len(ctx.sources.street_files)} monthly street files, {ctx.sources.rows_written:,} rows"


@contextmanager
def keeping_real_rows(con: duckdb.DuckDBPyConnection, table: str, demo_rows: str) -> Iterator[None]:
    """Put back any non-demo rows a load replaced: a lookup load replaces its whole vintage and
    a population load its whole year, which would drop a real partnership's rows."""
    con.execute(f"create or replace temp table demo_kept as select * from {table} "
                f"where not ({demo_rows})")
    try:
        yield
    finally:
        con.execute(f"insert or ignore into {table} select * from demo_kept")
        con.execute("drop table demo_kept")


def load_ward_lookup(ctx: DemoContext) -> str:
    from csphub.analytics.geography import load_lookup

    demo_lads = ", ".join(f"'{a.code}'" for a in AUTHORITIES)
    with keeping_real_rows(ctx.con, "lsoa_ward_lookup", f"lad_code in ({demo_lads})"):
        summary = load_lookup(ctx.con, ctx.require_sources().lookup)
    ctx.results["lookup"] = summary
    return str(summary)


def load_population_estimates(ctx: DemoContext) -> str:
    from csphub.analytics.geography import load_population

    sources = ctx.require_sources()
    with keeping_real_rows(ctx.con, "population", f"lsoa_code like '{DEMO_LSOA_PREFIX}%'"):
        summary = load_population(ctx.con, sources.population, sources.population_year,
                                  POPULATION_SOURCE)
    ctx.results["population"] = summary
    return str(summary)


def load_boundary_files(ctx: DemoContext) -> str:
    from csphub.analytics.geography import load_boundaries

    sources = ctx.require_sources()
    summaries = [load_boundaries(ctx.con, p) for p in (sources.lsoa_boundaries,
                                                       sources.ward_boundaries)]
    ctx.results["boundaries"] = summaries
    return "; ".join(str(s) for s in summaries)


def ingest_street_files(ctx: DemoContext) -> str:
    from csphub.analytics.police_uk import ingest_police_uk

    files = ctx.require_sources().street_files
    with Progress(console=ctx.console, transient=True,
                  disable=not ctx.console.is_terminal) as progress:
        task = progress.add_task("Ingesting police.uk files", total=len(files))
        summary = ingest_police_uk(
            ctx.con, files, progress=lambda done, total: progress.update(task, completed=done,
                                                                       total=total)
        )
    ctx.results["ingest"] = summary
    return (f"{summary.files_loaded} files loaded, {summary.files_skipped} already loaded, "
            f"{summary.files_replaced} replaced; {summary.rows_loaded:,} rows loaded, "
            f"{summary.rows_quarantined:,} quarantined")


def define_areas(ctx: DemoContext) -> str:
    from csphub.analytics.areas import add_area

    for authority in AUTHORITIES:
        add_area(ctx.con, authority.name, [authority.code])
    return f"areas {', '.join(a.name for a in AUTHORITIES)} (Riverford's neighbours are its peers)"


DemoStep = Callable[[DemoContext], str]

#: The demo, in order. Append ``(name, step)`` to add a step; each returns a one-line result.
DEMO_STEPS: list[tuple[str, DemoStep]] = [
    ("Write the source files", write_sources),
    ("Load the ward lookup", load_ward_lookup),
    ("Load the population", load_population_estimates),
    ("Load the boundaries", load_boundary_files),
    ("Ingest the police.uk street files", ingest_street_files),
    ("Define the areas", define_areas),
    ("Load the council's ASB incidents", load_demo_partner_asb),
    ("Load the partners' datasets", load_demo_partner_data),
]


def seed_demo_casework(ctx: DemoContext) -> str:
    """Agencies, users and a few hundred synthetic ASB cases in the casework database.

    Cases sit mostly in the wards with the most ASB in the last year. Run again, it leaves the
    cases alone and gives the demo users new passwords (printed at the end)."""
    from csphub.django_setup import setup_django

    setup_django(migrate=True)
    from csphub.analytics.areas import resolve_area
    from csphub.analytics.counts import count_by
    from csphub.casework.demo import reset_demo_passwords, seed_casework

    start, end, _ = _last_financial_year(ctx.require_sources())
    asb = count_by(ctx.con, resolve_area(ctx.con, DEMO_AREA), start, end, ["crime_type", "ward"])
    by_ward = sorted((r for r in asb if r["crime_type"] == "Anti-social behaviour"), key=lambda r: -r["count"])
    hotspots = [r["ward_name"] for r in by_ward[:4]]
    existing = reset_demo_passwords()
    if existing is not None:
        ctx.results["casework_logins"] = existing
        return "already seeded; the demo users have new passwords (below)"
    result = seed_casework(ctx.require_sources().county.lsoas_of(DEMO_LAD), hotspots, seed=ctx.seed)
    ctx.results["casework_logins"] = result.logins
    panels = result.panels
    dialin = _seed_dialin(ctx)  # ---- Daily Dial In ----
    return (f"{len(result.logins)} users in 12 agencies; {result.cases} ASB cases with "
            f"{result.interventions} warnings, notices and contracts and {result.referrals} referrals; "
            f"{panels.get('panels', 0)} panels with {panels.get('referrals', 0)} referrals, an IOM cohort of "
            f"{panels.get('cohort_members', 0)}, {panels.get('case_reviews', 0)} ASB Case Review applications; "
            f"{dialin}")


def _seed_dialin(ctx: DemoContext) -> str:
    """Two weeks of Daily Dial In entries, an operation and a place-based initiative."""
    from django.contrib.auth import get_user_model

    from csphub.dialin.demo import seed_dialin

    users = {u.get_username(): u for u in get_user_model().objects.all()}
    made = seed_dialin(users, seed=ctx.seed)
    return (f"{made['entries']} Daily Dial In entries over two weeks ({made['cases']} turned into cases, "
            f"{made['decisions']} decisions), Operation Ratify and a StreetScene day, a Clear, Hold, Build initiative")


def seed_demo_cctv(ctx: DemoContext) -> str:
    """Riverford's CCTV estate: cameras, a year of activity, faults, SEG decisions, deployments."""
    from csphub.cctv.demo import seed_cctv
    from csphub.cctv.evidence import using_warehouse

    with using_warehouse(ctx.con):
        result = seed_cctv(ctx.require_sources().county.lsoas_of(DEMO_LAD), seed=ctx.seed)
    if not result.cameras:
        return "already seeded (or no demo users)"
    return (f"{result.cameras} cameras, {result.faults} faults, {result.reviews_by_rule} placement reviews opened by "
            f"the six-month rule, {result.decisions} SEG decisions, {result.deployments} rapid deployments, "
            f"{result.footage_requests} police footage requests; CCTV lead: asb.supervisor")

# ---- Encampments and PSPOs ----
def seed_demo_encampments(ctx: DemoContext) -> str:
    """Encampment sites, incursions and tents records; two PSPOs with enforcement (after the
    casework, whose users and people they use). Run again, it adds nothing."""
    from csphub.analytics.areas import resolve_area
    from csphub.analytics.counts import count_by
    from csphub.encampments.demo import seed_encampments
    from csphub.pspo.demo import seed_pspos

    lsoas = ctx.require_sources().county.lsoas_of(DEMO_LAD)
    start, end, _ = _last_financial_year(ctx.require_sources())
    asb = count_by(ctx.con, resolve_area(ctx.con, DEMO_AREA), start, end, ["crime_type", "ward"])
    by_ward = sorted((r for r in asb if r["crime_type"] == "Anti-social behaviour"), key=lambda r: -r["count"])
    camps = seed_encampments(lsoas, seed=ctx.seed)
    orders = seed_pspos(lsoas, [r["ward_name"] for r in by_ward[:2]], seed=ctx.seed)
    if not camps and not orders:
        return "already seeded"
    return (f"{camps.get('sites', 0)} sites, {camps.get('incursions', 0)} incursions with {camps.get('steps', 0)} "
            f"steps, {camps.get('tents', 0)} tents records; {orders.get('orders', 0)} PSPOs with "
            f"{orders.get('warnings', 0)} warnings, {orders.get('fpns', 0)} FPNs, {orders.get('patrols', 0)} patrols "
            f"(and {orders.get('refused_above_cap', 0)} FPN refused above the cap)")


def wipe_previous_demo(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """Remove the demo's files and every warehouse row it loaded; real data is left alone."""
    from csphub.analytics.warehouse import transaction

    source = str(data_dir / "demo" / "source")
    demo_lads = [a.code for a in AUTHORITIES]
    files = "select file_id from source_files where starts_with(path, ?)"
    with transaction(con):
        for table in ("street_crime", "outcomes", "stop_search", "partner_asb", "quarantine"):
            con.execute(f"delete from {table} where file_id in ({files})", [source])
        con.execute("delete from source_files where starts_with(path, ?)", [source])
        con.execute("delete from lsoa_ward_lookup where lad_code in (select unnest(?))",
                    [demo_lads])
        con.execute("delete from population where lsoa_code like ? || '%'", [DEMO_LSOA_PREFIX])
        con.execute("delete from boundaries where code like ? || '%' or code like ? || '%'",
                    [DEMO_LSOA_PREFIX, DEMO_WARD_PREFIX])
        con.execute("delete from areas where lad_code in (select unnest(?))", [demo_lads])
    shutil.rmtree(data_dir / "demo", ignore_errors=True)


def _last_financial_year(sources: DemoSources) -> tuple[date, date, str]:
    start, end = sources.months[-12], sources.months[-1]
    return start, end, f"{start.year}/{(start.year + 1) % 100:02d}"


def _headline(ctx: DemoContext) -> list[str]:
    """The last financial year in three lines, counted through the same code as `csphub counts`."""
    from csphub.analytics.areas import resolve_area
    from csphub.analytics.counts import count_by

    sources = ctx.require_sources()
    start, end, label = _last_financial_year(sources)
    area = resolve_area(ctx.con, DEMO_AREA)
    by_type_ward = count_by(ctx.con, area, start, end, ["crime_type", "ward"])
    asb_by_ward: dict[str, int] = {}
    for row in by_type_ward:
        if row["crime_type"] == "Anti-social behaviour":
            asb_by_ward[row["ward_name"]] = asb_by_ward.get(row["ward_name"], 0) + row["count"]
    asb = sum(asb_by_ward.values())
    crime = sum(r["count"] for r in by_type_ward) - asb
    top = sorted(asb_by_ward.items(), key=lambda item: -item[1])[:3]
    top_share = sum(count for _, count in top) / asb if asb else 0.0
    population = sources.county.population_of(DEMO_LAD)
    ctx.results["headline"] = {"year": label, "crime": crime, "asb": asb, "top_wards": top}
    return [
        f"Riverford ({DEMO_LAD}): a fictional unitary authority of {population:,} residents, "
        f"20 wards, 120 LSOAs, policed by {sources.force_name}.",
        f"In {label}: {crime:,} recorded crimes ({1000 * crime / population:.1f} per 1,000) "
        f"and {asb:,} ASB incidents ({1000 * asb / population:.1f} per 1,000).",
        f"ASB is concentrated: {', '.join(name for name, _ in top)} hold {top_share:.0%} of it.",
    ]


def _next_steps(ctx: DemoContext) -> list[str]:
    start, end, label = _last_financial_year(ctx.require_sources())
    period = f"--from {start:%Y-%m} --to {end:%Y-%m}"
    return [
        f"csphub counts --area {DEMO_AREA} {period} --by crime_type",
        f"csphub counts --area {DEMO_AREA} {period} --by ward "
        "--crime-type 'Anti-social behaviour'",
        f"csphub counts --area {DEMO_AREA} --from {ctx.require_sources().months[0]:%Y-%m} "
        f"--to {end:%Y-%m} --by month --format csv",
        f"csphub coverage --area {DEMO_AREA}",
        f"csphub assess --area {DEMO_AREA} --year {label} --out out/riverford",
        "csphub paper briefing --from "  # ---- Governance ----
        f"{first_of_month_before(6):%Y-%m} --to {first_of_month_before(1):%Y-%m} --board SEG --out out/riverford",
    ]


def first_of_month_before(months: int) -> date:
    """The first of the month ``months`` before this one (the demo's briefing period)."""
    today = date.today()
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _print_logins(console: Console, logins: list[tuple[str, str, str, str]]) -> None:
    console.print("\nCasework: run [bold]csphub serve[/bold] and sign in at http://127.0.0.1:8000/ as")
    for username, password, role, agency in logins:
        console.print(f"  {username:<16} {password:<20} {role} at {agency}", markup=False, highlight=False)
    console.print("Demo passwords are shown once; run `csphub demo` again for new ones. The demo's fictional "
                  "agencies do not ask for an authenticator app; a real agency does by default.", markup=False)


def run_demo(ctx: DemoContext, steps: list[tuple[str, DemoStep]] | None = None) -> DemoContext:
    """Run every step in order, printing each one's result."""
    for number, (name, step) in enumerate(steps or DEMO_STEPS, start=1):
        outcome = step(ctx)  # no spinner here: a step may show its own progress bar
        ctx.console.print(f"[green]{number}.[/green] {name}: {outcome}", soft_wrap=True)
    return ctx


def build_demo(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    seed: int = 2024,
    years: int = 5,
    end_month: date | None = None,
) -> DemoContext:
    """Build and load the demo quietly into an open warehouse, e.g. for a test or a notebook.

    Examples:
        >>> import tempfile
        >>> from csphub.analytics.warehouse import connect
        >>> folder = Path(tempfile.mkdtemp())
        >>> ctx = build_demo(connect(folder / "w.duckdb"), folder, years=1,
        ...                  end_month=date(2025, 3, 1))
        >>> ctx.results["ingest"].rows_quarantined
        0
    """
    ctx = DemoContext(data_dir=Path(data_dir), con=con, console=Console(quiet=True), seed=seed,
                      years=years, end_month=end_month)
    return run_demo(ctx)


@click.command()
@click.option("--seed", type=int, default=2024, show_default=True,
              help="Random seed: the same seed writes the same files.")
@click.option("--years", type=click.IntRange(1, 10), default=5, show_default=True,
              help="Financial years of crime and ASB, ending with the last complete one.")
@click.option("--force-name", default=DEFAULT_FORCE_NAME, show_default=True,
              help="Name of the fictional police force (its file name form is derived).")
@click.option("--fresh", is_flag=True,
              help="Remove a previous demo (its files and warehouse rows) before building.")
@click.option("--no-casework", is_flag=True,
              help="Skip seeding the casework database (agencies, users, cases).")
def demo(seed: int, years: int, force_name: str, fresh: bool, no_casework: bool) -> None:
    """Build and load a fictional partnership, Riverford, to try everything on.

    Writes ONS-style lookup, population and boundary files and five financial years of
    data.police.uk street files for the fictional county of Aldshire under
    CSPHUB_DATA_DIR/demo/source, then loads them through the same loaders as real files.
    Riverford (E06999001, about 150,000 residents) is the partnership; its neighbours Wendle
    Vale and Kingsmere are there as peers. Running it again adds nothing (loads are
    idempotent); --fresh starts over. Needs no network.
    """
    from csphub.analytics.warehouse import connect

    settings = load_settings()
    console = Console()
    con = connect(settings.warehouse_path)
    try:
        if fresh:
            wipe_previous_demo(con, settings.data_dir)
            console.print("Removed the previous demo.")
        ctx = DemoContext(data_dir=settings.data_dir, con=con, console=console, seed=seed,
                          years=years, force_name=force_name)
        steps = DEMO_STEPS if no_casework else [*DEMO_STEPS, ("Seed the casework", seed_demo_casework),
                                                ("Seed the CCTV estate", seed_demo_cctv),
                                                ("Seed the governance", seed_demo_governance),  # ---- Governance ----
                                                ("Seed encampments and PSPOs", seed_demo_encampments)]
        run_demo(ctx, steps)
        console.print()
        for line in _headline(ctx):
            console.print(line, soft_wrap=True)
        console.print(f"\nData directory: {settings.data_dir}\n\nWhat to try next:")
        for command in _next_steps(ctx):
            console.print(f"  {command}", markup=False, highlight=False, soft_wrap=True)
        if not no_casework:
            _print_logins(console, ctx.results["casework_logins"])
    finally:
        con.close()
