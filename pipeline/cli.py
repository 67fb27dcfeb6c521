"""Command line: ``python -m pipeline build``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="The hälsosamtal follow-up pipeline.",
    pretty_exceptions_show_locals=False,
)


@app.command()
def build(
    year: Annotated[
        list[str] | None, typer.Option(help="Only this grant year (repeatable).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Dagster's full log.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild years that are current, too.")
    ] = False,
) -> None:
    """Build the warehouse and the reports from raw/, one line per asset. A year whose
    inputs and code are as its latest publication had them is skipped (see --force)."""
    from pipeline.config import grant_years
    from pipeline.freshness import current_version

    years = list(year or grant_years())
    stale = []
    for y in years:
        version = None if force else current_version(int(y))
        if version:
            typer.echo(f"Grant year {y}: current ({version}, same inputs and code), skipped")
        else:
            stale.append(y)
    if not stale:
        typer.echo("Nothing to build: every year is current.")
        raise typer.Exit(0)
    from pipeline import worker

    # Great Expectations imports on the second core meanwhile; charts and render libraries
    # after the first validation. One worker for every job of this build.
    worker.start()
    from pipeline.build import run_build  # Dagster: imported only when there is work

    try:
        code = run_build(stale, verbose=verbose, force=force)
    finally:
        worker.stop()
    raise typer.Exit(code)


@app.command()
def trace(
    figure_id: Annotated[str | None, typer.Argument(help="e.g. tabell1.all.antal")] = None,
    year: Annotated[int, typer.Option(help="Grant year.")] = 2024,
    list_ids: Annotated[bool, typer.Option("--list", help="List figure ids by table.")] = False,
    csv: Annotated[Path | None, typer.Option(help="Also write the source rows to CSV.")] = None,
) -> None:
    """Trace a published figure back to the source rows that made it (run `build` first)."""
    from pipeline.trace.cli import UnknownFigure, list_figures
    from pipeline.trace.cli import trace as run_trace
    from pipeline.warehouse import warehouse

    with warehouse().connect(read_only=True) as con:
        if list_ids:
            list_figures(con, year)
            return
        if figure_id is None:
            raise typer.BadParameter("give a figure id, or --list")
        try:
            matches = run_trace(con, year, figure_id, csv_path=csv)
        except UnknownFigure as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2) from e
    raise typer.Exit(0 if matches else 1)


@app.command("draft-form")
def draft_form(
    year: Annotated[int, typer.Argument(help="The new grant year.")],
    export: Annotated[Path, typer.Argument(help="The new year's export (CSV or XLSX).")],
    out: Annotated[
        Path | None, typer.Option(help="Write here instead of raw/forms/YEAR/form.toml.")
    ] = None,
) -> None:
    """Draft next year's form from its export and last year's form, for review."""
    from pipeline.draft_form import write_draft
    from pipeline.forms import form_path

    target = out or form_path(year)
    if out is None and target.exists():
        typer.echo(f"error: {target} exists; give --out to draft beside it", err=True)
        raise typer.Exit(2)
    path, summary = write_draft(year, export, out)
    typer.echo(f"Drafted {path} ({len(summary)} change(s) to review):")
    for line in summary:
        typer.echo(f"  {line}")


@app.command()
def bench(
    repeats: Annotated[int, typer.Option(help="Runs per measurement.")] = 3,
    scales: Annotated[str, typer.Option(help="Scale factors, comma-separated.")] = "1,10,100,1000",
) -> None:
    """Benchmark the build, the refresh, the bare work and the scaling (not a test)."""
    from pipeline.bench import main as run_bench

    run_bench(repeats=repeats, scales=tuple(int(k) for k in scales.split(",")))


@app.command()
def extract_seeds(
    check: Annotated[
        bool, typer.Option("--check", help="Only compare with the files in raw/, write nothing.")
    ] = False,
    seeds: Annotated[Path | None, typer.Option(help="Default: HALSOSAMTAL_SEEDS.")] = None,
    raw: Annotated[Path | None, typer.Option(help="Default: HALSOSAMTAL_RAW.")] = None,
) -> None:
    """Re-extract the real money figures from ../shared/seeds/ into raw/."""
    from pipeline.config import settings
    from pipeline.seeds.extract import write_extraction

    raise typer.Exit(
        write_extraction(seeds or settings().seeds, raw or settings().raw, check=check)
    )


if __name__ == "__main__":
    app()
