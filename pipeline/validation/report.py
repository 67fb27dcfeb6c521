"""The validation report per year: HTML an analyst reads without Dagster."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2

from pipeline.validation.rules import RULES_SV
from pipeline.validation.stages import blocking_errors

TEMPLATES = Path(__file__).parent / "templates"
# A report's status (staged.submissions.status) as the report's column "Aktuell" says it.
STATUS_SV = {
    "aktuell": "ja",
    "ersatt": "nej, ersatt av en senare rapport",
    "kopia": "nej, en kopia av en rapport som räknas",
    "fel": "nej, kan inte räknas förrän felet rättats eller rapporten dragits tillbaka",
}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, year: int) -> list[dict]:
    return con.sql(sql, params={"y": year}).pl().to_dicts()


def write_validation_report(con: duckdb.DuckDBPyConnection, year: int, path: Path) -> Path:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    failures = _rows(
        con,
        """SELECT f.*, s.status, k.kommun_namn FROM validated.failures AS f
           LEFT JOIN staged.submissions AS s
               ON s.bidragsar = f.bidragsar AND s.source_file = f.source_file
               AND s.source_row = f.source_row
           LEFT JOIN reference.kommuner AS k ON k.kommunkod = f.kommunkod
           WHERE f.bidragsar = $y ORDER BY f.severity, f.rule_id, f.source_file, f.source_row""",
        year,
    )
    html = env.get_template("validering.html.j2").render(
        year=year,
        STATUS=STATUS_SV,
        RULES=RULES_SV,
        withdrawals=_rows(
            con,
            "SELECT * FROM raw.withdrawals WHERE bidragsar = $y ORDER BY withdrawal_row",
            year,
        ),
        blocking=blocking_errors(con, year, swedish=True),
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
            "SELECT q.*, s.status, k.kommun_namn FROM validated.quarantine AS q "
            "LEFT JOIN staged.submissions AS s USING (bidragsar, submission_id) "
            "LEFT JOIN reference.kommuner AS k ON k.kommunkod = q.kommunkod "
            "WHERE q.bidragsar = $y ORDER BY q.source_file, q.source_row",
            year,
        ),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
