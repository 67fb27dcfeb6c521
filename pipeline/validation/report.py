"""The validation report per year: HTML an analyst reads without Dagster."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2

from pipeline.validation.stages import blocking_errors

TEMPLATES = Path(__file__).parent / "templates"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, year: int) -> list[dict]:
    return con.sql(sql, params={"y": year}).pl().to_dicts()


def write_validation_report(con: duckdb.DuckDBPyConnection, year: int, path: Path) -> Path:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    failures = _rows(
        con,
        """SELECT * FROM validated.failures WHERE bidragsar = $y
                             ORDER BY severity, rule_id, source_file, source_row""",
        year,
    )
    html = env.get_template("validering.html.j2").render(
        year=year,
        blocking=blocking_errors(con, year),
        warnings=sum(f["severity"] == "warning" for f in failures),
        files=_rows(
            con,
            "SELECT * FROM raw.export_folder_state WHERE bidragsar = $y ORDER BY source_file",
            year,
        ),
        results=_rows(
            con,
            "SELECT * FROM validated.results WHERE bidragsar = $y "
            "ORDER BY stage DESC, severity, rule_id",
            year,
        ),
        failures=failures,
        quarantine=_rows(
            con,
            "SELECT * FROM validated.quarantine WHERE bidragsar = $y "
            "ORDER BY source_file, source_row",
            year,
        ),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
