"""The corpus of bad export files: each has its exact outcome, and the good export beside
it is staged untouched."""

from __future__ import annotations

import re
import shutil
import tomllib
from html import unescape
from pathlib import Path

import duckdb
import pytest

from pipeline.validation.stages import blocking_errors
from tests.staging_helpers import stage_and_validate

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))["files"]


def test_the_corpus_is_complete():
    files = {p.name for p in (CORPUS / "files").iterdir()} - {"good.csv"}
    assert files == set(EXPECTED)
    assert len(files) >= 25


@pytest.fixture
def staged(tmp_path):
    def run(name: str):
        folder = tmp_path / "2024"
        folder.mkdir()
        shutil.copy(CORPUS / "files" / "good.csv", folder)
        shutil.copy(CORPUS / "files" / name, folder)
        con = duckdb.connect()
        outcomes = {Path(o.path).name: o for o in stage_and_validate(con, 2024, folder)}
        return con, outcomes

    return run


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_outcome(staged, name):
    expected = EXPECTED[name]
    con, outcomes = staged(name)
    outcome = outcomes[name]
    assert outcome.status == expected["status"], outcome.reason
    rows_from_file = con.execute(
        "SELECT count(*) FROM raw.return_cells WHERE source_file LIKE ?", [f"%/{name}"]
    ).fetchall()[0][0]
    if expected["status"] == "rejected":
        assert expected["reason"] in outcome.reason
        assert any(name in m and "rejected" in m for m in blocking_errors(con, 2024))
        swedish = blocking_errors(con, 2024, swedish=True)
        assert any(f"{name}: filen avvisades: {outcome.reason_sv}" in m for m in swedish)
        assert rows_from_file == 0  # nothing of a rejected file is half-loaded
        assert outcome.path.endswith(name)
    else:
        failures = con.execute(
            "SELECT rule_id, severity, message, source_row FROM validated.failures "
            "WHERE source_file LIKE ? ORDER BY rule_id",
            [f"%/{name}"],
        ).fetchall()
        assert sorted({r[0] for r in failures if r[1] == "error"}) == expected.get("errors", [])
        assert sorted({r[0] for r in failures if r[1] == "warning"}) == expected.get("warnings", [])
        rows = expected.get("rows", [2])
        for _rule, _severity, message, row in failures:
            assert name in message and f"rad {row}" in message and row in rows  # named
        if "message" in expected:
            assert any(expected["message"] in r[2] for r in failures), failures
        statuses = con.execute(
            "SELECT status FROM staged.submissions WHERE source_file LIKE ? ORDER BY source_row",
            [f"%/{name}"],
        ).fetchall()
        if "statuses" in expected:
            assert [s for (s,) in statuses] == expected["statuses"]
        for question, value in expected.get("values", {}).items():
            staged = con.execute(
                "SELECT a.value_num FROM staged.answers a JOIN staged.submissions s "
                "USING (submission_id) WHERE s.source_file LIKE ? AND s.is_current "
                "AND a.question_id = ?",
                [f"%/{name}", question],
            ).fetchall()
            assert staged == [(value,)]
        quarantined = con.execute(
            "SELECT source_row FROM validated.quarantine WHERE source_file LIKE ? "
            "ORDER BY source_row",
            [f"%/{name}"],
        ).fetchall()
        assert [r for (r,) in quarantined] == (rows if expected.get("errors") else [])
        blocking = [m for m in blocking_errors(con, 2024) if name in m]
        assert bool(blocking) == bool(expected.get("errors")), blocking
    # The good export beside it is untouched: both its reports staged, current, clean.
    good = con.execute(
        """SELECT s.kommunkod, s.is_current, q.submission_id IS NULL AS clean
           FROM staged.submissions s LEFT JOIN validated.quarantine q USING (submission_id)
           WHERE s.source_file LIKE '%/good.csv' ORDER BY s.kommunkod"""
    ).fetchall()
    assert good == [("0180", True, True), ("0980", True, True)]
    assert outcomes["good.csv"].status == "loaded"


# Words of English that no Swedish sentence of validering.html holds.
ENGLISH = {
    *("the", "is", "are", "not", "of", "and", "was", "has", "have", "but", "with", "from"),
    *("this", "that", "which", "every", "rule", "broken", "file", "row", "rows", "column"),
    *("columns", "value", "values", "must", "cannot", "should", "its", "their", "submitted"),
    *("report", "reports", "empty", "missing", "ambiguous", "number", "rejected", "ticked"),
    *("header", "headers", "folder"),
}


def english_words(html: str) -> set[str]:
    """English words in the text a reader sees, leaving out what is quoted from the data:
    file paths, quoted cell values and code."""
    html = re.sub(r"(?s)<(code|style|title)\b.*?</\1>", " ", html)
    html = re.sub(r'(?s)<td class="data">.*?</td>', " ", html)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\S*/\S*|\S+\.(csv|xlsx|pdf|toml)\b", " ", text)
    return {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH}


def test_the_validation_report_is_swedish_throughout(tmp_path):
    """Every bad file of the corpus in one year: every rejection, failing row and
    quarantine reason of validering.html reads in Swedish, with the municipality's name."""
    from pipeline.validation.report import write_validation_report

    folder = tmp_path / "2024"
    shutil.copytree(CORPUS / "files", folder)
    con = duckdb.connect()
    stage_and_validate(con, 2024, folder)
    html = write_validation_report(con, 2024, tmp_path / "validering.html").read_text("utf-8")
    assert html.count("filen avvisades") >= 15 and "regeln bryts" in html
    assert english_words(html) == set()
