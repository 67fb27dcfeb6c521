"""Issue 14: the published figures are a pure, defended function of raw/. Files in any
order and any sequence of incremental builds give the same staged data, tables and
lineage as one fresh build; folder entries that are not exports are named and never
followed; conflicts between reports follow one rule whatever the order."""

from __future__ import annotations

import itertools
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from pipeline.config import raw_dir
from pipeline.validation.stages import blocking_errors
from tests.staging_helpers import (
    corpus_folder,
    derive_everything,
    published_outputs,
    stage_and_validate,
)

CORPUS = Path(__file__).parent / "corpus" / "files"
# Reports that collide in every way the rules know: the same report in two files, an
# edit of it a day later, a late edit, a Svars-ID taken from another municipality.
COLLIDING = [
    "good.csv",
    "same_report_twice.csv",
    "same_id_edited_later.csv",
    "late_report.csv",
    "id_of_another_municipality.csv",
]


def staged_state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Everything the tables and the validation report read, in a stable order."""
    queries = {
        "submissions": "SELECT * EXCLUDE (source_sha256) FROM staged.submissions",
        "answers": "SELECT * FROM staged.answers",
        "quarantine": "SELECT * FROM validated.quarantine",
        "failures": "SELECT * FROM validated.failures",
        "blocking": None,
    }
    state = {
        name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in queries.items() if sql
    }
    state["blocking"] = blocking_errors(con, 2024)
    return state


def build_in_batches(folder: Path, order: list[str], cuts: list[int]) -> duckdb.DuckDBPyConnection:
    """One warehouse, the files added in `order` with a build after each batch. What a
    build leaves for the next is the append-only raw layer (the staged and validated
    tables are rebuilt whole each time), so the builds between batches ingest only."""
    from pipeline.forms import load_form
    from pipeline.raw.ingest import ingest_folder

    con = duckdb.connect()
    bounds = [0, *sorted(set(cuts)), len(order)]
    for start, end in itertools.pairwise(bounds):
        for name in order[start:end]:
            shutil.copy(CORPUS / name, folder / name)
        if end < len(order):
            ingest_folder(con, folder, load_form(2024), {})
    stage_and_validate(con, 2024, folder)
    return con


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.permutations(COLLIDING),
    cuts=st.lists(st.integers(1, len(COLLIDING) - 1), max_size=3),
)
def test_any_order_and_any_incremental_builds_give_the_fresh_build(tmp_path_factory, order, cuts):
    root = tmp_path_factory.mktemp("order")
    folder = root / "2024"
    folder.mkdir()
    incremental = build_in_batches(folder, list(order), cuts)
    fresh = duckdb.connect()
    stage_and_validate(fresh, 2024, folder)  # the same folder, now whole, read once
    assert staged_state(incremental) == staged_state(fresh)


def test_the_colliding_reports_follow_the_documented_rules(tmp_path):
    folder = tmp_path / "2024"
    folder.mkdir()
    con = build_in_batches(folder, COLLIDING, [])
    rows = con.execute(
        "SELECT regexp_extract(source_file, '[^/]+$'), source_row, submission_id, kommunkod, "
        "status FROM staged.submissions ORDER BY 1, 2"
    ).fetchall()
    assert rows == [
        ("good.csv", 2, "9000001", "0980", "aktuell"),
        ("good.csv", 3, "9000002", "0180", "aktuell"),
        # Göteborg took Gotland's id an hour after Gotland: its report is the error.
        (
            "id_of_another_municipality.csv",
            2,
            "9000001 (id_of_another_municipality.csv rad 2)",
            "1480",
            "fel",
        ),
        # The latest edit by submission time counts; the earlier ones are superseded.
        ("late_report.csv", 2, "9000003", "1480", "aktuell"),
        (
            "same_id_edited_later.csv",
            2,
            "9000003 (same_id_edited_later.csv rad 2)",
            "1480",
            "ersatt",
        ),
        (
            "same_id_edited_later.csv",
            3,
            "9000003 (same_id_edited_later.csv rad 3)",
            "1480",
            "ersatt",
        ),
        # The same report again: the copy in the first file by name counts.
        ("same_report_twice.csv", 2, "9000003 (same_report_twice.csv rad 2)", "1480", "kopia"),
        ("same_report_twice.csv", 3, "9000003 (same_report_twice.csv rad 3)", "1480", "kopia"),
    ]
    blocking = blocking_errors(con, 2024)
    assert (
        len(blocking) == 1
        and "Svars-ID 9000001 är redan svars-ID för Region Gotland" in (blocking[0])
    )


def test_reusing_a_superseded_reports_id_erases_nothing(tmp_path):
    """A later report of another municipality under the id of a superseded report: the
    superseded report and its quarantine entry stay as they were."""
    folder = tmp_path / "2024"
    folder.mkdir()
    shutil.copy(CORPUS / "costs_do_not_add_up.csv", folder)  # Göteborg 9000003, in error
    shutil.copy(CORPUS / "late_report.csv", folder)  # Göteborg's correction (9000003, later)
    con = duckdb.connect()
    stage_and_validate(con, 2024, folder)
    before = con.execute(
        "SELECT submission_id, status FROM staged.submissions ORDER BY 1"
    ).fetchall()
    quarantined = con.execute("SELECT * FROM validated.quarantine").fetchall()
    text = (CORPUS / "costs_do_not_add_up.csv").read_text(encoding="utf-8")
    (folder / "z_reuse.csv").write_text(
        text.replace("Göteborgs kommun", "Stockholms kommun").replace(
            "2025-01-20 10:15:00", "2025-03-05 09:00:00"
        ),
        encoding="utf-8",
    )
    stage_and_validate(con, 2024, folder)
    after = con.execute(
        "SELECT submission_id, status FROM staged.submissions "
        "WHERE source_file NOT LIKE '%z_reuse.csv' ORDER BY 1"
    ).fetchall()
    assert after == before
    assert set(quarantined) <= set(con.execute("SELECT * FROM validated.quarantine").fetchall())
    reuse = con.execute(
        "SELECT status FROM staged.submissions WHERE source_file LIKE '%z_reuse.csv'"
    ).fetchall()
    assert reuse == [("fel",)]


def test_tables_and_lineage_do_not_depend_on_the_order_files_arrived(tmp_path):
    """The real 2024 exports added one at a time in reverse name order, a build after
    each, against one fresh build: the same figures and the same lineage, row for row."""
    names = sorted(p.name for p in (raw_dir() / "returns" / "2024").iterdir())
    folder = tmp_path / "2024"
    folder.mkdir()
    incremental = duckdb.connect()
    for name in reversed(names):
        shutil.copy(raw_dir() / "returns" / "2024" / name, folder / name)
        derive_everything(incremental, 2024, folder)
    fresh = duckdb.connect()
    derive_everything(fresh, 2024, folder)
    a, b = published_outputs(incremental, 2024), published_outputs(fresh, 2024)
    for part in a:
        assert_frame_equal(a[part], b[part])
    assert a["cells"].height > 1000


def test_a_removed_file_no_longer_counts(tmp_path):
    """The warehouse is a cache of raw/: a file taken out of the folder leaves the tables
    (its rows stay in raw.return_cells, nothing ingested is deleted)."""
    folder = corpus_folder(tmp_path, "good.csv", "late_report.csv")
    con = duckdb.connect()
    stage_and_validate(con, 2024, folder)
    assert con.execute("SELECT count(*) FROM staged.submissions").fetchall() == [(3,)]
    (folder / "late_report.csv").unlink()
    stage_and_validate(con, 2024, folder)
    assert con.execute("SELECT kommunkod FROM staged.submissions ORDER BY 1").fetchall() == [
        ("0180",),
        ("0980",),
    ]
    kept = con.execute(
        "SELECT count(DISTINCT source_row) FROM raw.return_cells WHERE source_file LIKE "
        "'%late_report.csv'"
    ).fetchall()
    assert kept == [(1,)]


# ------------------------------------------------------------------ folder entries


@pytest.fixture
def odd_folder(tmp_path, monkeypatch):
    """good.csv beside every kind of entry an export folder should not hold."""
    folder = corpus_folder(tmp_path, "good.csv")
    os.symlink("/etc/passwd", folder / "passwd.csv")
    outside = tmp_path / "outside.csv"
    shutil.copy(CORPUS / "late_report.csv", outside)
    os.symlink(outside, folder / "link_outside.csv")
    (folder / "x.csv").mkdir()
    (folder / "x.csv" / "inner.csv").write_text("Svars-ID;Inskickad\n", encoding="utf-8")
    shutil.copy(CORPUS / "late_report.csv", folder / os.fsdecode(b"r\xe4ttelse.csv"))
    shutil.copy(CORPUS / "late_report.csv", folder / "unreadable.csv")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "unreadable.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return folder


def test_every_folder_entry_gets_a_named_outcome_and_links_are_never_followed(odd_folder):
    con = duckdb.connect()
    outcomes = {Path(o.path).name: o for o in stage_and_validate(con, 2024, odd_folder)}
    reasons = {name: (o.status, o.reason) for name, o in outcomes.items()}
    assert reasons["good.csv"] == ("loaded", "")
    assert reasons["passwd.csv"][0] == "rejected" and "symbolic link" in reasons["passwd.csv"][1]
    assert reasons["link_outside.csv"][0] == "rejected"
    assert reasons["x.csv"] == (
        "rejected",
        "the entry is a folder, not an export file: move it out of the folder",
    )
    assert (
        reasons["r\\xe4ttelse.csv"][0] == "rejected"
        and "not valid UTF-8" in (reasons["r\\xe4ttelse.csv"][1])
    )
    assert reasons["unreadable.csv"] == (
        "rejected",
        "the file cannot be read (Permission denied): check its permissions",
    )
    # Nothing outside the folder was read, shown or loaded.
    everything = repr(con.execute("SELECT * FROM raw.export_files").fetchall()) + repr(
        con.execute("SELECT * FROM raw.export_folder_state").fetchall()
    )
    assert "root:" not in everything and "/etc/passwd" not in everything
    assert "outside.csv" not in everything.replace("link_outside.csv", "")
    assert con.execute(
        "SELECT DISTINCT regexp_extract(source_file, '[^/]+$') FROM raw.return_cells"
    ).fetchall() == [("good.csv",)]
    # Each blocks publication by name; good.csv's reports are staged untouched.
    blocking = blocking_errors(con, 2024)
    for name in ("passwd.csv", "link_outside.csv", "x.csv", "unreadable.csv"):
        assert any(f"{name}: the file was rejected" in m for m in blocking)
    staged = con.execute("SELECT kommunkod, status FROM staged.submissions ORDER BY 1").fetchall()
    assert staged == [("0180", "aktuell"), ("0980", "aktuell")]


def test_a_withdrawn_file_or_report_stops_blocking(tmp_path):
    """The runbook's withdrawal: listed with a reason in raw/withdrawals/<year>.csv, a
    rejected file or a report in error no longer blocks; nothing is deleted."""
    folder = corpus_folder(
        tmp_path / "returns", "good.csv", "truncated.csv", "submitted_in_future.csv"
    )
    con = duckdb.connect()

    def run(withdrawals: Path | None) -> list[str]:
        stage_and_validate(con, 2024, folder, withdrawals)
        return blocking_errors(con, 2024)

    assert len(run(None)) == 2
    listing = tmp_path / "withdrawals" / "2024.csv"
    listing.parent.mkdir()
    listing.write_text(
        "file,row,reason,withdrawn_by,withdrawn_on\n"
        "truncated.csv,,Trasig export; ny fil begärd,AB,2025-02-20\n"
        "submitted_in_future.csv,2,Fel datum i rapporten,AB,2025-02-20\n",
        encoding="utf-8",
    )
    assert run(listing) == []
    assert con.execute("SELECT count(*) FROM staged.submissions").fetchall() == [(2,)]
    assert (
        con.execute(
            "SELECT count(*) FROM raw.return_cells "
            "WHERE source_file LIKE '%submitted_in_future.csv'"
        ).fetchall()[0][0]
        > 0
    )
    listing.write_text(
        "file,row,reason,withdrawn_by,withdrawn_on\nnot_there.csv,,x,AB,2025-02-20\n",
        encoding="utf-8",
    )
    assert any("'not_there.csv' is not a file of 2024/" in m for m in run(listing))


def test_a_blocked_derivation_is_never_taken_for_the_published_year(warehouse, tmp_path):
    """The warehouse holds 2024 as published; a later run that changed 2024's staged data
    and was blocked is told apart: 2025 (which compares with 2024) is blocked with the
    reason, and the trace says it shows an unpublished derivation."""
    import io

    from pipeline.db import connect
    from pipeline.freshness import unpublished_derivation
    from pipeline.trace.cli import published_value, trace

    copy = tmp_path / "w.duckdb"
    shutil.copy(warehouse.file, copy)
    con = connect(copy)
    assert unpublished_derivation(con, 2024) is None
    assert not any("compares with 2024" in m for m in blocking_errors(con, 2025))
    out = io.StringIO()
    assert trace(con, 2024, "tabell1.all.antal", out=out)
    assert "matches the published value" in out.getvalue()
    # A blocked run left 2024 with one report fewer than its published version.
    con.execute(
        "DELETE FROM validated.respondents WHERE bidragsar = 2024 AND kommunkod = "
        "(SELECT min(kommunkod) FROM validated.respondents WHERE bidragsar = 2024)"
    )
    reason = unpublished_derivation(con, 2024)
    assert reason is not None and "was not published" in reason
    assert any(
        m.startswith("2025 compares with 2024, but the warehouse holds a derivation of 2024")
        for m in blocking_errors(con, 2025)
    )
    out = io.StringIO()
    assert not trace(con, 2024, "tabell1.all.antal", out=out)
    text = out.getvalue()
    assert "NOT PUBLISHED" in text and "matches the published value" not in text
    assert f"the published value is {published_value(2024, 'tabell1.all.antal')}" in text


def test_the_validation_report_shows_withdrawals_and_every_status(tmp_path):
    """validering.html renders a year with a withdrawal list, a copy, a superseded report
    and a report in error, each named in Swedish."""
    from pipeline.validation.report import write_validation_report

    folder = corpus_folder(
        tmp_path / "returns",
        "good.csv",
        "same_report_twice.csv",
        "late_report.csv",
        "empty_svars_id.csv",
        "truncated.csv",
    )
    listing = tmp_path / "2024.csv"
    listing.write_text(
        "file,row,reason,withdrawn_by,withdrawn_on\ntruncated.csv,,Trasig,AB,2025-02-20\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    stage_and_validate(con, 2024, folder, listing)
    html = write_validation_report(con, 2024, tmp_path / "v.html").read_text(encoding="utf-8")
    for text in (
        "lista över tillbakadragna",
        "Trasig",
        "nej, kan inte räknas förrän felet rättats",
        "Rapporten har svars-ID",
    ):
        assert text in html, text
    # Every failing row names its municipality beside the code (good.csv's are known).
    failing = html.split("<h2>Rader som bryter en regel")[1].split("<h2>")[0]
    assert re.search(r"<td>[A-ZÅÄÖ][^<(]+ \(\d{4}\)</td>", failing), failing[:500]
    rules = html.split("<h2>Regler")[1].split("<h2>Rader")[0]
    assert "återrapporter" in rules and "every" not in rules  # the rules in Swedish
