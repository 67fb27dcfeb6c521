"""The form and the export must agree, or the file is rejected naming every column that
differs with its closest match, also when the form is edited after the export was first
loaded (the analyst's usual round: build, look, fix the form, build again): a one-character
difference can never turn answers into silent zeros (issue 20)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.config import raw_dir
from pipeline.forms import load_form
from pipeline.raw.ingest import ingest_folder
from pipeline.validation.stages import blocking_errors
from tests.staging_helpers import corpus_folder, stage_and_validate

CORPUS = Path(__file__).parent / "corpus" / "files"


def edited_form(tmp_path: Path, old: str, new: str):
    """The 2024 form with one text edited, as an analyst's typo would."""
    raw = tmp_path / "raw"
    (raw / "forms" / "2024").mkdir(parents=True)
    text = (raw_dir() / "forms" / "2024" / "form.toml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    (raw / "forms" / "2024" / "form.toml").write_text(text.replace(old, new), encoding="utf-8")
    return load_form(2024, raw)


def test_a_form_edited_after_the_export_was_loaded_rejects_it_with_the_closest_match(tmp_path):
    folder = corpus_folder(tmp_path, "good.csv")
    con = duckdb.connect()
    stage_and_validate(con, 2024, folder)  # loaded under the real form
    assert blocking_errors(con, 2024) == []
    typo = edited_form(tmp_path, 'label = "Pensionärsföreningar"', 'label = "Pensionärsföreningr"')
    outcome = ingest_folder(con, folder, typo, {})[0]
    assert outcome.status == "rejected"
    column = "13. Vart har kommunen i huvudsak hänvisat eller lotsat de äldre?: "
    assert (
        f"1 column(s) of the 2024 form are missing: '{column}Pensionärsföreningr' "
        f"(did you mean '{column}Pensionärsföreningar'?)"
    ) in outcome.reason
    assert f"1 column(s) are not in the 2024 form: '{column}Pensionärsföreningar'" in (
        outcome.reason
    )
    state = con.execute(
        "SELECT status FROM raw.export_folder_state WHERE source_file LIKE '%good.csv'"
    ).fetchall()
    assert state == [("rejected",)]  # so it blocks publication and is not staged
    # The form corrected again: the same file loads, nothing was lost meanwhile.
    assert ingest_folder(con, folder, load_form(2024), {})[0].status == "skipped"


def test_a_form_wrong_from_the_start_stops_rejecting_once_corrected(tmp_path):
    folder = corpus_folder(tmp_path, "good.csv")
    con = duckdb.connect()
    typo = edited_form(
        tmp_path,
        'header = "Vart har kommunen i huvudsak hänvisat eller lotsat de äldre?"',
        'header = "Vart har kommunen hänvisat eller lotsat de äldre?"',
    )
    outcome = ingest_folder(con, folder, typo, {})[0]
    assert outcome.status == "rejected" and "did you mean" in outcome.reason
    assert ingest_folder(con, folder, load_form(2024), {})[0].status == "loaded"


def test_messages_name_questions_by_the_years_own_number_and_header(tmp_path):
    """A question renumbered in the year's form is named so in every message."""
    from pipeline.validation.stages import validate_submissions

    folder = corpus_folder(tmp_path, "good.csv", "persons_implausible.csv")
    con = duckdb.connect()
    stage_and_validate(con, 2024, folder)
    con.execute(
        "UPDATE reference.form_questions SET number = '6', header = 'Antal personer som nåtts' "
        "WHERE bidragsar = 2024 AND question_id = 'antal_personer'"
    )
    validate_submissions(con, 2024)
    (message,) = con.execute(
        "SELECT message FROM validated.failures WHERE rule_id = 'personer_rimligt'"
    ).fetchone()
    assert "6. Antal personer som nåtts = 250000; 2 × målgruppen = 27886" in message


def without_questions(raw: Path, year: int, removed: set[str]) -> None:
    """The year's form and export as if the form had dropped `removed`: their question
    blocks gone from form.toml and their columns from the export."""
    form = load_form(year, raw)
    drop = {column for column, q, _ in form.columns() if q.id in removed}
    path = raw / "forms" / str(year) / "form.toml"
    blocks = path.read_text(encoding="utf-8").split("[[questions]]")
    kept = [b for b in blocks if not any(f'\nid = "{q}"\n' in b for q in removed)]
    assert len(kept) == len(blocks) - len(removed)
    path.write_text("[[questions]]".join(kept), encoding="utf-8")
    for export in (raw / "returns" / str(year)).glob("*.csv"):
        with export.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, delimiter=";"))
        keep = [i for i, h in enumerate(rows[0]) if h not in drop]
        with export.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=";").writerows([[r[i] for i in keep] for r in rows])


@pytest.mark.slow
def test_a_question_removed_from_the_form_leaves_its_table_out_with_a_note(tmp_path):
    """A year whose form no longer asks the question behind Tabell 6 (yrkesgrupper) and
    the text's ranking of how the work was developed (vidareutveckling) still publishes:
    the table's place says the question was not asked, the sentences that rest on it go,
    the rest of the section stays; nothing fails with a traceback."""
    from tests.test_refresh import Env

    env = Env(tmp_path)
    shutil.copytree(raw_dir(), env.raw)
    env.home.mkdir()
    without_questions(env.raw, 2025, {"yrkesgrupper", "vidareutveckling"})
    result = env.run_build(("2024", "2025"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    html = (env.build / "2025" / "rapport.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Tabell 6 (yrkesgrupper som genomför hälsosamtal med äldre) ingår inte: " in text
    assert "frågan ställdes inte 2025." in text
    assert "Vem som håller samtalen" in text and "anlitat en fristående aktör" in text
    assert "Bland sätten att utveckla verksamheten" not in text
    figures = (env.build / "2025" / "figures.csv").read_text(encoding="utf-8")
    assert "\ntabell6." not in figures and "text.vidareutveckling_" not in figures


def test_comparisons_follow_same_as_back_through_every_year():
    """A table that asks for 2024's question finds it in 2026 through 2025's mapping, as
    the README's runbook tells the analyst to write it (each year maps to the year before)."""
    from pipeline.tables.derive import form_questions, resolve_params

    con = duckdb.connect()
    con.execute("CREATE SCHEMA reference")
    con.execute(
        "CREATE TABLE reference.form_questions "
        "(bidragsar INT, question_id VARCHAR, same_as VARCHAR)"
    )
    con.executemany(
        "INSERT INTO reference.form_questions VALUES (?, ?, ?)",
        [
            (2024, "samverkan", None),
            (2025, "samverkan_genomforande", '{"2024": "samverkan"}'),
            (2026, "samverkan_nu", '{"2025": "samverkan_genomforande"}'),
            (2026, "ny_fraga", None),
        ],
    )
    asked = {"question": "samverkan", "population": "started"}
    assert resolve_params(form_questions(con, 2026), asked) == {
        **asked,
        "question": "samverkan_nu",
        "question_key": "samverkan",
    }
    assert resolve_params(form_questions(con, 2025), asked)["question"] == (
        "samverkan_genomforande"
    )
    assert resolve_params(form_questions(con, 2024), asked) == asked
    assert resolve_params(form_questions(con, 2026), {"question": "borttagen"}) is None


def test_a_compared_question_with_changed_options_has_one_row_per_option():
    """Tabell 4 over two years whose options changed: "utoka" reworded, "starta" dropped,
    "avveckla" new. One row per option, the current label and the current form's order,
    the dropped option after them; its missing year is a dash in the report."""
    from pipeline.tables.derive import ONE_ROW_PER_ANSWER

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE current_cells (table_id VARCHAR, row_order INT, row_id VARCHAR, "
        "row_label VARCHAR, data_year INT, value DOUBLE)"
    )
    con.executemany(
        "INSERT INTO current_cells VALUES ('tabell4', ?, ?, ?, ?, ?)",
        [
            (0, "starta", "Starta hälsosamtal", 2025, 46),
            (1, "utoka", "Utöka hälsosamtal", 2025, 57),
            (2, "forbattra", "Förbättra hälsosamtal", 2025, 63),
            (0, "forbattra", "Förbättra hälsosamtal", 2026, 50),
            (1, "avveckla", "Avveckla hälsosamtal", 2026, 10),
            (2, "utoka", "Utöka eller bredda hälsosamtal", 2026, 70),
        ],
    )
    con.execute(ONE_ROW_PER_ANSWER, {"table_id": "tabell4"})
    rows = con.execute(
        "SELECT DISTINCT row_order, row_id, row_label FROM current_cells ORDER BY 1"
    ).fetchall()
    assert rows == [
        (0, "forbattra", "Förbättra hälsosamtal"),
        (1, "avveckla", "Avveckla hälsosamtal"),
        (2, "utoka", "Utöka eller bredda hälsosamtal"),
        (3, "starta", "Starta hälsosamtal"),
    ]


def test_a_forgotten_renumbering_is_named_as_headers_that_differ(tmp_path):
    """The export numbers a question 14, the form still says 13: the file is rejected with
    each column and its match under the other number, not read as broken skip logic."""
    folder = corpus_folder(tmp_path, "good.csv")
    stale = edited_form(tmp_path, 'number = "13"', 'number = "14"')
    outcome = ingest_folder(duckdb.connect(), folder, stale, {})[0]
    assert outcome.status == "rejected"
    assert "column(s) of the 2024 form are missing: '14. Vart har kommunen" in outcome.reason
    assert "(did you mean '13. Vart har kommunen" in outcome.reason
