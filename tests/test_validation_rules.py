"""Validation: every table-level rule passes and fails, the real data passes with only its
known warnings, quarantine holds a report out until a correction, and an error blocks."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.sqlfiles import materialize_partition
from pipeline.synthetic.exports import ExportFile, Submission, write_export
from pipeline.validation.rules import (
    RECONCILIATION_RULES,
    RESPONDENT_RULES,
    SUBMISSION_RULES,
    TABLE_RULES,
    YEAR_OVER_YEAR_RULES,
)
from pipeline.validation.run import run_rules
from pipeline.validation.stages import blocking_errors
from tests.corpus.make_corpus import FORM, GOTEBORG
from tests.staging_helpers import corpus_folder, stage_and_validate

CORPUS = Path(__file__).parent / "corpus" / "files"


@pytest.mark.parametrize(
    ("rules", "good", "bad"),
    [
        (TABLE_RULES[:1], {"procent": [0.0, 54.0, 100.0]}, {"procent": [12.0, 101.0]}),
        (
            TABLE_RULES[1:],
            {"antal": [3.0, 5.0], "denominator": [5, 5]},
            {"antal": [6.0], "denominator": [5]},
        ),
        (
            RECONCILIATION_RULES,
            {"expected": [247], "actual": [247]},
            {"expected": [247], "actual": [246]},
        ),
        (
            RESPONDENT_RULES,
            {"tabell1_avvikelse": [None, None]},
            {"tabell1_avvikelse": [None, "unused 513 kr of 112513 kr"]},
        ),
        (YEAR_OVER_YEAR_RULES, {"kvot": [0.5, 1.0, 3.9, None]}, {"kvot": [1.0, 4.5]}),
    ],
    ids=["percent_range", "count_le_denominator", "reconciliation", "tabell1_rule", "yoy"],
)
def test_table_level_rule_passes_and_fails(rules, good, bad):
    def frame(columns):
        n = len(next(iter(columns.values())))
        return pl.DataFrame(
            {
                "figure_id": [f"f{i}" for i in range(n)],
                "check_name": "c",
                "submission_id": "s",
                "source_file": "x.csv",
                "source_row": list(range(2, n + 2)),
                **columns,
            },
            strict=False,
        )

    assert run_rules(frame(good), rules, 2024, "t").results["passed"].all()
    failed = run_rules(frame(bad), rules, 2024, "t")
    assert not failed.results["passed"].all()
    assert failed.failures.height == 1
    assert "regeln bryts: " in failed.failures["message"][0]


def test_every_submission_rule_has_a_failing_case_in_the_corpus():
    import tomllib

    expected = tomllib.loads((CORPUS.parent / "expected.toml").read_text(encoding="utf-8"))
    covered = {
        r for f in expected["files"].values() for r in f.get("errors", []) + f.get("warnings", [])
    }
    # One current report per municipality holds by construction of staged.submissions.
    assert {r.id for r in SUBMISSION_RULES} - covered == {"en_aktuell_per_kommun"}


def test_real_data_has_no_errors_and_only_the_known_warnings(warehouse):
    results = warehouse.query(
        "SELECT bidragsar, rule_id, severity, passed, failing_rows FROM validated.results"
    )
    for year in (2023, 2024):
        assert blocking_errors_of(warehouse, year) == []
    failed_2024 = results.filter(pl.col("bidragsar") == 2024, ~pl.col("passed"))
    assert dict(zip(failed_2024["rule_id"], failed_2024["failing_rows"], strict=True)) == {
        # Uppsala's first report (superseded by its correction) did not add up.
        "kostnader_summerar": 1,
        # Vilhelmina, Pajala and Uppsala's correction came after 31 January 2025.
        "inskickad_i_tid": 3,
        # Värmdö, Staffanstorp and Bjuv: < 0.5 % unused, counted as all used (Tabell 1).
        "tabell1_regel": 3,
        # Persons reached changed more than fourfold from 2023 for five municipalities
        # (the 2023 question counted conversations, not unique persons).
        "rimlig_forandring": 5,
    }


def blocking_errors_of(warehouse, year: int) -> list[str]:
    with warehouse.connect(read_only=True) as con:
        return blocking_errors(con, year)


def test_validation_report_lists_rules_failures_and_quarantine(warehouse, build_root):
    html = (build_root / "2024" / "validering.html").read_text(encoding="utf-8")
    assert "Inga fel hindrar publiceringen" in html
    assert "kostnader_summerar" in html and "tabell1_regel" in html
    assert "nej, ersatt av en senare rapport" in html  # Uppsala's first report, quarantined
    assert "aterrapport_2024_export_2025-02-03.xlsx" in html


def test_quarantine_until_a_correction_arrives(tmp_path):
    folder = corpus_folder(tmp_path, "good.csv", "costs_do_not_add_up.csv")
    con = duckdb.connect()
    stage_and_validate(con, 2024, folder)
    materialize_partition(con, "validated/respondents", 2024)
    reasons = blocking_errors(con, 2024)
    assert len(reasons) == 1
    assert "Lönekostnader och övriga kostnader summerar till använt belopp" in reasons[0]
    assert "costs_do_not_add_up.csv, rad 2, Göteborgs kommun" in reasons[0]
    in_tables = con.execute("SELECT kommunkod FROM validated.respondents ORDER BY 1").fetchall()
    assert in_tables == [("0180",), ("0980",)]  # Göteborg held out of the tables

    correction = Submission(
        "9000010", dt.datetime(2025, 1, 28, 12, 0), "Göteborgs kommun", GOTEBORG
    )
    write_export(ExportFile(folder / "rattelse.csv", FORM, [correction], kind="csv"))
    stage_and_validate(con, 2024, folder)
    materialize_partition(con, "validated/respondents", 2024)
    assert blocking_errors(con, 2024) == []
    in_tables = con.execute(
        "SELECT kommunkod, submission_id FROM validated.respondents ORDER BY 1"
    ).fetchall()
    assert ("1480", "9000010") in in_tables
    # The faulty report stays in the warehouse and in quarantine, marked as superseded.
    q = con.execute("SELECT submission_id, is_current FROM validated.quarantine").fetchall()
    assert q == [("9000003", False)]


def test_a_rejected_file_blocks_publication(tmp_path):
    folder = corpus_folder(tmp_path, "good.csv", "truncated.csv")
    con = duckdb.connect()
    stage_and_validate(con, 2024, folder)
    [reason] = blocking_errors(con, 2024)
    assert reason.endswith(
        "truncated.csv: the file was rejected: the last row has 6 fields "
        "but the header has 87: the file is truncated or a field holds an "
        "unquoted delimiter"
    )
    (folder / "truncated.csv").unlink()  # the analyst removes it: nothing blocks any more
    stage_and_validate(con, 2024, folder)
    assert blocking_errors(con, 2024) == []


def test_the_warm_worker_gives_the_in_process_outcome(warehouse):
    """The build validates in a worker process that imported Great Expectations early; its
    outcome, failing rows included, is the one the rules give in the calling process."""
    from polars.testing import assert_frame_equal

    from pipeline import worker
    from pipeline.validation.rules import SUBMISSION_RULES
    from pipeline.validation.stages import RUN_RULES, facts

    with warehouse.connect() as con:
        frame = facts(con, "submission_facts", 2024)
    here = run_rules(frame, SUBMISSION_RULES, 2024, "submissions")
    assert here.failures.height > 0  # the known warnings: failing rows are compared too
    assert worker.start()
    try:
        pid = worker._worker.process.pid
        assert pid != os.getpid()
        there = worker.call(RUN_RULES, frame, SUBMISSION_RULES, 2024, "submissions")
    finally:
        worker.stop()
    assert not worker.running()
    assert_frame_equal(here.results, there.results)
    assert_frame_equal(here.failures, there.failures)
    wait_until_gone(pid)  # stopped without waiting, but stopped


def wait_until_gone(pid: int, seconds: float = 10) -> None:
    import os
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
            os.kill(pid, 0)
        except (ChildProcessError, ProcessLookupError):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
        time.sleep(0.05)
    raise AssertionError(f"worker process {pid} still runs")


def test_a_dead_worker_leaves_the_work_to_this_process(warehouse):
    """A worker that died (killed, out of memory) does not fail the build: the rules then
    run in the calling process, with the same outcome."""
    import os
    import signal

    from pipeline import worker
    from pipeline.validation.rules import SUBMISSION_RULES
    from pipeline.validation.stages import RUN_RULES, facts

    with warehouse.connect() as con:
        frame = facts(con, "submission_facts", 2024)
    assert worker.start()
    try:
        pid = worker._worker.process.pid
        os.kill(pid, signal.SIGKILL)
        wait_until_gone(pid)
        outcome = worker.call(RUN_RULES, frame, SUBMISSION_RULES, 2024, "submissions")
    finally:
        worker.stop()
    assert not worker.running()
    assert outcome.results.height == len(SUBMISSION_RULES)


def test_only_the_latest_runs_validation_reports_are_kept(tmp_path):
    import os

    from pipeline.assets.validation import prune_runs

    for i in range(35):
        folder = tmp_path / f"run-{i:02d}"
        folder.mkdir()
        (folder / "validering.html").write_text("x", encoding="utf-8")
        os.utime(folder, (1_700_000_000 + i, 1_700_000_000 + i))
    prune_runs(tmp_path, keep=30)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"run-{i:02d}" for i in range(5, 35)]


def test_an_error_in_the_worker_is_raised_here_with_its_traceback():
    """A task that fails in the worker raises its own error in the caller, with the
    worker's traceback as its cause (what the build prints as the failure's reason), and
    the worker goes on serving."""
    from pipeline import worker

    assert worker.start(then_import=())
    try:
        with pytest.raises(ValueError, match="invalid literal") as raised:
            worker.call("builtins:int", "not a number")
        assert isinstance(raised.value.__cause__, worker.RemoteTraceback)
        assert "ValueError" in str(raised.value.__cause__)
        assert worker.call("builtins:int", "42") == 42
        process = worker._worker.process
    finally:
        worker.stop()
    assert not process.is_alive()


def test_the_worker_survives_errors_it_cannot_send_and_large_payloads():
    """An error that cannot be rebuilt here still reaches the caller (with its words), the
    worker goes on, and large arguments and results in flight at once do not deadlock."""
    from pipeline import worker

    assert worker.start(then_import=())
    try:
        with pytest.raises(RuntimeError, match="TwoArgumentError: metric: could not be resolved"):
            worker.call("tests.worker_tasks:fail_oddly")
        big = b"x" * 10_000_000
        results = [worker.later("tests.worker_tasks:echo", big) for _ in range(3)]
        assert [len(r()) for r in results] == [len(big)] * 3
    finally:
        worker.stop()
    assert not worker.running()
