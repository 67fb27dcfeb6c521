"""Command line: ``python -m pipeline build``."""

from __future__ import annotations

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
) -> None:
    """Build the warehouse and the reports from raw/, one line per asset."""
    from pipeline.build import run_build

    raise typer.Exit(run_build(year, verbose=verbose))


@app.command()
def extract_seeds(check: bool = False) -> None:
    """Re-extract the real money figures from ../shared/seeds/ into raw/."""
    from pipeline.seeds.extract import main

    raise typer.Exit(main(["--check"] if check else []))


if __name__ == "__main__":
    app()
