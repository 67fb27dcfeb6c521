"""Return reports: calibration to the published counts, skip logic, exclusive options,
idempotent ingestion, supersession, file formats and unknown municipalities."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from pipeline.config import raw_dir
from pipeline.db import fetch_one
from pipeline.forms import load_form
from pipeline.synthetic.exports import ExportFile, Submission, write_export
from pipeline.synthetic.generate import generate
from tests.staging_helpers import stage, staged_answers

CURRENT = """
    SELECT a.* FROM staged.answers a JOIN staged.submissions s USING (bidragsar, submission_id)
    WHERE s.is_current AND a.bidragsar = {year}"""


def counts(warehouse, year: int, question: str) -> dict[str, int]:
    df = warehouse.query(
        f"SELECT option_code, sum(value_num)::INT AS n FROM ({CURRENT.format(year=year)}) "
        f"WHERE question_id = '{question}' GROUP BY option_code"
    )
    return dict(df.iter_rows())


def total(warehouse, year: int, question: str) -> int:
    return warehouse.query(
        f"SELECT sum(value_num)::BIGINT FROM ({CURRENT.format(year=year)}) "
        f"WHERE question_id = '{question}'"
    ).item()


# Each expectation is transcribed from seed 000 with its table and row.
PUBLISHED_2024 = {
    "malgrupper": {"80_plus": 169, "65_79": 94, "annan": 84},  # Tabell 3
    "inriktning": {"starta": 107, "utoka": 134, "forbattra": 147},  # Tabell 4, 2024
    "samverkan": {"civilsamhallet": 84, "region": 73, "annan_kommun": 22, "nej": 104},  # T5
    "yrkesgrupper": {  # Tabell 6
        "arbetsterapeut": 67,
        "underskoterska": 61,
        "sjukskoterska": 54,
        "lots": 44,
        "samordnare": 41,
        "handlaggare": 37,
        "coach": 31,
        "enhetschef": 7,
        "kurator": 5,
    },
    "metoder": {  # Tabell 7
        "hornstenar": 75,
        "mi": 73,
        "kasam": 68,
        "finger": 43,
        "ibic": 38,
        "annan": 51,
        "ingen": 54,
    },
    "na_ut": {  # Bilaga 1 tabell 3
        "direktutskick": 161,
        "motesplatser": 139,
        "anhoriga": 115,
        "webb": 115,
        "foreningar": 99,
        "vardcentral": 95,
        "hemsjukvard": 86,
        "socialtjanst": 81,
        "media": 79,
        "allman_plats": 78,
        "affischering": 64,
        "telefon": 51,
        "annat": 29,
        "inte_uppsokande": 0,
    },
    "lotsat": {  # Bilaga 1 tabell 5 (religiösa samfund: 25, the OCR's "1%" is 11 %)
        "kommunala_aktiviteter": 206,
        "hemsjukvard": 113,
        "pensionarsforeningar": 108,
        "vardcentral": 84,
        "ovriga_foreningar": 50,
        "anhorigforeningar": 42,
        "religiosa_samfund": 25,
        "specialistmottagning": 8,
        "patientforeningar": 7,
    },
    "uppfoljning": {  # Bilaga 1 tabell 6
        "statistik": 185,
        "projektrapport": 98,
        "uppfoljningssamtal": 80,
        "kvalitetsberattelse": 64,
        "jamforelser": 53,
        "medarbetare": 43,
        "avvikelser": 14,
        "extern": 7,
        "annat": 27,
        "ingen": 16,
    },
    "genomforande": {"startat": 222, "forberett": 13},  # text under Tabell 3 and 4
}


@pytest.mark.parametrize("question", sorted(PUBLISHED_2024))
def test_2024_counts_are_calibrated_exactly(warehouse, question):
    assert counts(warehouse, 2024, question) == PUBLISHED_2024[question]


def share(n: int, d: int) -> int:
    return int(n * 100 / d + 0.5)


def test_2024_figures_in_the_text(warehouse):
    assert round(total(warehouse, 2024, "antal_personer"), -3) == 21_000  # "cirka 21 000"
    used = total(warehouse, 2024, "anvant")
    assert used == 75_879_944  # text after Bilaga 2 reference
    assert share(total(warehouse, 2024, "lonekostnader"), used) == 80  # "lönekostnader (80 %)"
    regi = counts(warehouse, 2024, "regi")
    assert regi["delvis_fristaende"] + regi["fristaende"] == 10  # "Endast tio kommuner"
    assert regi["fristaende"] == 2  # "två kommuner hela sitt statsbidrag"
    assert share(counts(warehouse, 2024, "samtalsform")["enskilt"], 222) == 95
    assert share(counts(warehouse, 2024, "samtalsplats")["hembesok"], 222) == 92
    assert 222 - counts(warehouse, 2024, "metoder")["ingen"] == 168  # "168 av 222"
    syfte, resultat = (
        counts(warehouse, 2024, "syfte_uppnatt"),
        counts(warehouse, 2024, "resultat_uppnatt"),
    )
    assert share(syfte["hog"] + syfte["ganska_hog"], 235) == 91
    assert share(resultat["hog"] + resultat["ganska_hog"], 235) == 82
    dev = counts(warehouse, 2024, "vidareutveckling")
    assert [
        share(dev[k], 222)
        for k in ("erfarenheter", "processer", "stodmaterial", "omvarldsbevakning")
    ] == [71, 68, 57, 52]
    assert share(222 - dev["ingen"], 222) == 94  # Tabell 8, 2024
    assert share(222 - counts(warehouse, 2024, "uppfoljning")["ingen"], 222) == 93


def test_the_two_that_gave_everything_to_an_independent_provider(warehouse):
    # Footnote 4 of seed 000: Lysekils kommun and Staffanstorps kommun.
    rows = warehouse.query(
        f"SELECT kommunkod FROM ({CURRENT.format(year=2024)}) "
        "WHERE question_id = 'regi' AND option_code = 'fristaende'"
    )
    assert sorted(rows["kommunkod"]) == ["1230", "1484"]


def test_2023_figures(warehouse):
    # Tabell 2 row 2023, Tabell 4 and Tabell 8 columns 2023 (N = 209), text: ~23 000 persons.
    subs = warehouse.query(
        "SELECT count(*) FROM staged.submissions WHERE bidragsar = 2023 AND is_current"
    ).item()
    assert subs == 238
    assert total(warehouse, 2023, "rekvirerat") == 143_500_000
    assert total(warehouse, 2023, "oanvant") == 45_451_630
    assert counts(warehouse, 2023, "inriktning") == {"starta": 150, "utoka": 59, "forbattra": 70}
    assert counts(warehouse, 2023, "genomforande") == {"startat": 209}
    assert share(counts(warehouse, 2023, "uppfoljning")["ja"], 209) == 60
    assert share(counts(warehouse, 2023, "vidareutveckling")["ja"], 209) == 75
    assert round(total(warehouse, 2023, "antal_personer"), -3) == 23_000


def test_2024_money_in_the_returns_is_the_real_bilaga1(warehouse):
    df = warehouse.query(
        f"""SELECT kommunkod, question_id, value_num FROM ({CURRENT.format(year=2024)})
            WHERE kommunkod = '1880' AND question_id IN ('rekvirerat', 'oanvant')"""
    )
    assert dict(zip(df["question_id"], df["value_num"], strict=True)) == {
        "rekvirerat": 1_273_458,
        "oanvant": 1_273_458,
    }  # Örebro, Bilaga 1 tabell 1


def test_skip_logic_is_respected(warehouse):
    for year in (2023, 2024):
        form = load_form(year)
        df = warehouse.query(CURRENT.format(year=year))
        per_sub = {}
        for r in df.iter_rows(named=True):
            per_sub.setdefault(r["submission_id"], {}).setdefault(r["question_id"], []).append(r)
        for sub, answered in per_sub.items():
            money = {q: answered[q][0]["value_num"] for q in ("anvant", "oanvant")}
            started = any(r["option_code"] == "startat" for r in answered.get("genomforande", []))
            for q in form.questions:
                expected = {
                    "all": True,
                    "used": money["anvant"] > 0,
                    "unused": money["oanvant"] > 0,
                    "started": started,
                }.get(q.asked_if)
                if expected is None:  # an option condition
                    expected = any(
                        r["option_code"] == code and r["value_num"] == 1
                        for qid, code in q.conditions()
                        for r in answered.get(qid, [])
                    )
                if q.type in ("text",):
                    assert expected or q.id not in answered, (year, sub, q.id)
                else:
                    assert (q.id in answered) == expected, (year, sub, q.id)


def test_exclusive_options_exclude_every_other_option(warehouse):
    df = warehouse.query(f"""
        SELECT submission_id, question_id, sum(value_num) AS ticked,
               bool_or(o.exclusive AND value_num = 1) AS exclusive_ticked
        FROM ({CURRENT.format(year=2024)}) a
        JOIN reference.form_options o USING (bidragsar, question_id, option_code)
        WHERE a.question_type = 'multiple' GROUP BY ALL""")
    assert df.filter(df["exclusive_ticked"] & (df["ticked"] > 1)).is_empty()
    assert df.filter(df["ticked"] == 0).is_empty()  # every asked question has an answer
    assert df.filter(df["exclusive_ticked"]).height == 54 + 104 + 16 + 13


def test_supersession_keeps_history(warehouse):
    df = warehouse.query(
        "SELECT * FROM staged.submissions WHERE kommunkod = '0380' "
        "AND bidragsar = 2024 ORDER BY submitted_at"
    )
    assert df.height == 2
    first, second = df.rows(named=True)
    assert not first["is_current"] and second["is_current"]
    assert first["superseded_by"] == second["submission_id"]
    assert first["source_file"].endswith("aterrapport_2024_export_2025-02-03.xlsx")
    assert second["source_file"].endswith("rattelse_uppsala_2025-02-24.csv")
    persons = warehouse.query(
        "SELECT submission_id, value_num FROM staged.answers WHERE kommunkod = '0380' "
        "AND bidragsar = 2024 AND question_id = 'antal_personer' ORDER BY value_num"
    )
    assert persons["value_num"][1] == 3 * persons["value_num"][0]  # the faulty first count


def test_reingesting_the_same_files_is_a_no_op(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    first = stage(con, 2024, raw_dir() / "returns" / "2024")
    before = fetch_one(con, "SELECT count(*) FROM raw.return_cells")
    again = stage(con, 2024, raw_dir() / "returns" / "2024")
    assert [o.status for o in first] == ["loaded"] * 3
    assert [o.status for o in again] == ["skipped"] * 3
    assert fetch_one(con, "SELECT count(*) FROM raw.return_cells") == before
    assert fetch_one(con, "SELECT count(*) FROM raw.export_files") == (3,)


def sample_submissions() -> list[Submission]:
    import datetime as dt

    from pipeline.synthetic.generate import generate_answers  # noqa: F401  (documents origin)

    answers = {
        "rekvirerat": 1_273_458,
        "anvant": 1_221_203,
        "oanvant": 52_255,
        "lonekostnader": 1_000_000,
        "ovriga_kostnader": 221_203,
        "skal_oanvant": 'Text med "citat", semikolon; och\nradbrytning',
        "genomforande": "startat",
        "inriktning": {"utoka"},
        "malgrupper": {"80_plus"},
        "antal_personer": 1234,
        "uppfoljning": "ja",
        "vidareutveckling": "ingen",
        "kommentarer": "Åäö ÅÄÖ – é",
    }
    return [
        Submission("1000001", dt.datetime(2024, 1, 15, 9, 30), "Örebro kommun", answers),
        Submission(
            "1000002",
            dt.datetime(2024, 1, 16, 9, 30),
            "Region Gotland",
            {**answers, "genomforande": "startat", "malgrupper": {"annan", "65_79"}},
        ),
    ]


@pytest.mark.parametrize(
    "options",
    [
        dict(kind="csv", encoding="utf-8", delimiter=","),
        dict(kind="csv", encoding="utf-8-sig", delimiter=";", thousands=" "),
        dict(kind="csv", encoding="cp1252", delimiter=";", thousands="\xa0", decimals=True),
        dict(kind="csv", encoding="cp1252", delimiter=",", thousands=" "),
    ],
    ids=["utf8-comma", "utf8bom-semicolon", "cp1252-nbsp-decimals", "cp1252-comma"],
)
def test_csv_in_every_encoding_and_delimiter_stages_like_xlsx(tmp_path, options):
    form, subs = load_form(2023), sample_submissions()
    results = []
    for name, opts in (("xlsx", dict(kind="xlsx")), ("csv", options)):
        folder = tmp_path / name
        folder.mkdir()
        write_export(ExportFile(folder / f"export.{opts['kind']}", form, subs, **opts))
        con = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
        assert [o.status for o in stage(con, 2023, folder)] == ["loaded"]
        results.append(staged_answers(con, 2023))
    assert results[0].height > 20
    assert results[0].equals(results[1])
    assert "Åäö ÅÄÖ – é" in results[1]["value_text"].to_list()


def test_unknown_municipality_is_an_error_naming_file_row_and_value(tmp_path):
    form = load_form(2023)
    subs = sample_submissions()
    subs[1] = Submission("1000002", subs[1].submitted_at, "Atlantis kommun", subs[1].answers)
    write_export(ExportFile(tmp_path / "export.csv", form, subs, kind="csv"))
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    stage(con, 2023, tmp_path)
    row = fetch_one(
        con,
        "SELECT source_file, source_row, kommunkod, problem, is_current "
        "FROM staged.submissions WHERE submission_id = '1000002'",
    )
    assert row[0].endswith("export.csv") and row[1] == 3 and row[2] is None
    assert row[3] == (
        "Organisation 'Atlantis kommun' är ingen kommun i raw/reference/kommuner.csv"
        ' (skriv namnet som "Stockholms kommun" eller "Stockholm", eller kommunkoden "0180")'
    )
    assert row[4] is False
    # The other submission of the same file is staged as usual.
    assert fetch_one(
        con, "SELECT is_current FROM staged.submissions WHERE submission_id = '1000001'"
    ) == (True,)


def test_generator_reproduces_the_committed_exports(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir(), raw, ignore=shutil.ignore_patterns("returns"))
    (raw / "ledger" / "2023" / "rekvisitioner.csv").unlink()
    for path in generate(raw):
        committed = raw_dir() / path.relative_to(raw)
        assert path.read_bytes() == committed.read_bytes(), committed
