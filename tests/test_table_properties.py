"""Property tests on random synthetic return reports: whatever the answers, counts never
exceed their denominators, shares match counts, and the generic choice-question derivation
equals a direct count."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.forms import load_form
from pipeline.raw.reference import load_reference
from pipeline.sqlfiles import create_macros, materialize_partition
from pipeline.synthetic.exports import ExportFile, Submission, write_export
from pipeline.synthetic.generate import Money, asked
from pipeline.tables.derive import derive_table
from pipeline.tables.spec import table_specs
from tests.staging_helpers import stage

FORM = load_form(2024)
NAMES = load_reference("kommuner")["kommun_namn"].to_list()
CODES = dict(zip(NAMES, load_reference("kommuner")["kommunkod"], strict=True))
CHOICE_TABLES = [s for s in table_specs() if s.sql in ("_option_counts", "_any_option")]


@st.composite
def municipality_answers(draw) -> tuple[Money, dict]:
    requisitioned = draw(st.integers(1_000, 2_000_000))
    unused = draw(st.one_of(st.just(0), st.just(requisitioned), st.integers(0, requisitioned)))
    money = Money(requisitioned, unused)
    answers: dict = {"rekvirerat": requisitioned, "anvant": money.anvant, "oanvant": unused}
    for q in FORM.questions:
        if q.id in answers or not asked(q, answers, money):
            continue
        if q.id == "lonekostnader":
            answers[q.id] = draw(st.integers(0, money.anvant))
        elif q.id == "ovriga_kostnader":
            answers[q.id] = money.anvant - answers["lonekostnader"]
        elif q.type in ("amount", "count"):
            answers[q.id] = draw(st.integers(0, 5_000))
        elif q.type == "single":
            answers[q.id] = draw(st.sampled_from([o.code for o in q.options]))
        elif q.type == "multiple":
            exclusive = q.exclusive_codes
            if exclusive and draw(st.booleans()):
                answers[q.id] = {draw(st.sampled_from(sorted(exclusive)))}
            else:
                others = [o.code for o in q.options if not o.exclusive]
                answers[q.id] = set(
                    draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
                )
        else:
            # Any printable text; control characters make a file unreadable (tested elsewhere).
            text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
            answers[q.id] = draw(st.one_of(st.none(), text))
    return money, answers


reports = st.lists(
    st.tuples(st.sampled_from(NAMES), municipality_answers()),
    min_size=1,
    max_size=15,
    unique_by=lambda t: t[0],
)


def direct_count(generated, question: str, option: str, population: str) -> tuple[int, int]:
    """Count ticks the plain way, in Python, from the generated answers."""

    def member(money: Money, answers: dict) -> bool:
        return {
            "recipients": True,
            "used": money.anvant > 0,
            "started": answers.get("genomforande") == "startat",
        }[population]

    pop = [a for _, (m, a) in generated if member(m, a)]
    value = [a.get(question) for a in pop]
    ticked = sum(option in v if isinstance(v, set) else v == option for v in value)
    return ticked, len(pop)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports)
def test_choice_tables_on_random_returns(generated):
    subs = [
        Submission(str(1_000_000 + i), dt.datetime(2025, 1, 10, 9, 0), name, answers)
        for i, (name, (_, answers)) in enumerate(generated)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_export(ExportFile(folder / "export.csv", FORM, subs, kind="csv"))
        con = duckdb.connect()
        stage(con, 2024, folder)
        materialize_partition(con, "validated/respondents", 2024)
        create_macros(con)
        for spec in CHOICE_TABLES:
            cells = derive_table(con, spec, 2024, {2024})
            for part in spec.parts:
                question, population = part.params["question"], part.params["population"]
                mine = (
                    cells.filter(cells["row_id"] == question)
                    if spec.sql == "_any_option"
                    else cells
                )
                for r in mine.iter_rows(named=True):
                    if r["value"] is None:  # a share of an empty population is undefined
                        assert r["denominator"] == 0 and r["col_id"].startswith("andel")
                        continue
                    assert r["denominator"] is None or r["value"] <= (
                        r["denominator"] if r["col_id"].startswith("antal") else 100
                    )
                    if spec.sql != "_option_counts":
                        continue
                    ticked, size = direct_count(generated, question, r["row_id"], population)
                    assert r["denominator"] == size
                    if r["col_id"].split("_")[0] == "antal":  # "antal_2024" in Tabell 4
                        assert r["value"] == ticked, (spec.id, r["row_id"])
                    elif size:
                        assert r["value"] == int(100 * ticked / size + 0.5)
        con.close()


def test_a_table_sql_that_breaks_the_contract_is_named(tmp_path, monkeypatch):
    """A table's SQL yields figures and source rows with known columns: one that yields
    another column fails with the file and the table named, not a bare DuckDB error."""
    import dataclasses

    from pipeline.tables import derive
    from pipeline.tables.spec import table_spec

    spec = table_spec("tabell1")
    broken = tmp_path / "broken.sql"
    broken.write_text("SELECT 'figure' AS role, 'x' AS row_id, 'antal' AS col_id, 1 AS oops")
    spec = dataclasses.replace(spec, sql="broken")
    monkeypatch.setattr(type(spec), "sql_file", property(lambda s: broken))
    con = duckdb.connect()
    create_macros(con)
    derive.create_current_tables(con)
    with derive.labels(con, spec):
        run = derive.Run(spec, 2024, 0, spec.parts[0], 2024, {"bidragsar": 2024})
        with pytest.raises(
            ValueError, match=r"sql/tables/broken\.sql \(table tabell1, 2024\).*oops"
        ):
            derive.insert_run(con, run)


def test_a_year_without_a_report_that_counts_says_why():
    """A year whose every report is in quarantine derives nothing and says why, with the
    most frequent reasons and an example (not an error of its own making)."""
    from pipeline.tables.derive import derive_year

    con = duckdb.connect()
    con.execute("CREATE SCHEMA validated")
    con.execute("CREATE TABLE validated.respondents (bidragsar INTEGER, kommunkod VARCHAR)")
    con.execute(
        "CREATE TABLE validated.failures AS SELECT 2024 AS bidragsar, 'error' AS severity, "
        "'kostnader_summerar' AS rule_id, 'rad 2, Göteborgs kommun: 100 + 50 ≠ 120' AS message"
    )
    with pytest.raises(ValueError, match=r"2024 has no return report that counts.*"
                       r"1 × kostnader_summerar, e\.g\. rad 2, Göteborgs kommun"):  # fmt: skip
        derive_year(con, 2024)
