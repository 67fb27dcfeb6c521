"""`python -m pipeline draft-form`: next year's form drafted from its export and last
year's form, so that the analyst reviews a diff instead of typing 85 headers (issue 20)."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import ROOT, raw_dir
from pipeline.draft_form import read_table, write_draft
from pipeline.forms import Form, load_form
from tests.test_claims import assert_text_says_what_figures_say

EXPORT_2025 = raw_dir() / "returns" / "2025" / "aterrapport_2025_export_2026-02-02.csv"


def drafted(tmp_path: Path, year: int, export: Path) -> tuple:
    raw = tmp_path / "raw"
    _, summary = write_draft(year, export, raw / "forms" / str(year) / "form.toml")
    return load_form(year, raw), summary


def test_the_2025_form_drafted_from_its_export_accepts_the_export(tmp_path):
    form, summary = drafted(tmp_path, 2025, EXPORT_2025)
    header, _ = read_table(EXPORT_2025)
    assert form.header() == header  # every column of the export, and no other
    before = load_form(2024)
    # Unchanged questions keep their id, type, skip logic and option codes.
    for q in before.questions:
        if q.id != "samverkan":
            now = form.question(q.id)
            assert (now.type, now.asked_if, now.options) == (q.type, q.asked_if, q.options)
    # The reworded question: a new id that says which 2024 question it is the same as,
    # its reworded options keep their codes, the new "Nej" is exclusive.
    reworded = next(q for q in form.questions if q.same_as == {"2024": "samverkan"})
    assert reworded.id != "samverkan"
    assert {o.code for o in reworded.options} >= {"civilsamhallet", "region", "annan_kommun"}
    assert [o.exclusive for o in reworded.options if o.label.startswith("Nej")] == [True]
    assert any("reworded" in line for line in summary)
    assert any(line.startswith("7.1.") and "NEW question" in line for line in summary)


def test_a_changed_next_year_is_drafted_with_every_change_listed(tmp_path):
    """2026 from 2025: the summary names each change, and the draft reads the export."""
    export = tmp_path / "export_2026.csv"
    header = next_year_export(export, EXPORT_2025, load_form(2025))
    form, summary = drafted(tmp_path, 2026, export)
    assert form.header() == header
    text = "\n".join(summary)
    assert "renumbered 2 → 3" in text and "renumbered 10 → 11" in text
    assert "2. har_kommunen_en_samordnare: NEW question" in text
    assert form.question("har_kommunen_en_samordnare").type == "single"
    assert "removed: " in text and "(yrkesgrupper)" in text
    assert "Pensionärsorganisationer" in text  # a new option (the label is not close)
    assert form.question("genomforande").number == "3"


@pytest.mark.slow
def test_a_changed_next_year_drafted_from_its_export_publishes_true_tables(tmp_path):
    """The analyst's whole round for 2026: its row, its ledger, its export (an inserted
    question, a removed one, a renamed option), the drafted form as it stands, a build.
    The report publishes; its tables match a count made here from the export; the table
    comparing with 2025 and the one comparing with 2024 (through 2025's mapping) are there;
    the removed question's table says it was not asked."""
    from tests.test_refresh import Env

    env = Env(tmp_path)
    shutil.copytree(raw_dir(), env.raw)
    env.home.mkdir()
    bidragsar = env.raw / "reference" / "bidragsar.csv"
    last = bidragsar.read_text(encoding="utf-8").splitlines()[-1]
    row = re.sub(r"\b2026\b", "2027", last)
    row = re.sub(r"\b2025\b", "2026", row)
    bidragsar.write_text(bidragsar.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    shutil.copytree(env.raw / "ledger" / "2025", env.raw / "ledger" / "2026")
    (env.raw / "returns" / "2026").mkdir()
    export = env.raw / "returns" / "2026" / "aterrapport_2026.csv"
    next_year_export(export, EXPORT_2025, load_form(2025))
    drafted_form = subprocess.run(
        [sys.executable, "-m", "pipeline", "draft-form", "2026", str(export)],
        cwd=ROOT,
        env=env.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert drafted_form.returncode == 0, drafted_form.stderr
    # The analyst's review: the dates (the draft moves last year's by a year; these
    # reports were filed in January, which must not lie in the future of this test).
    path = env.raw / "forms" / "2026" / "form.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^opened = .*$", "opened = 2026-01-01", text)
    text = re.sub(r"(?m)^deadline = .*$", "deadline = 2026-03-31", text)
    path.write_text(text, encoding="utf-8")
    result = env.run_build(("2024", "2025", "2026"))
    assert result.returncode == 0, result.stdout + result.stderr
    figures = {
        r["figure_id"]: float(r["value"])
        for r in csv.DictReader((env.build / "2026" / "figures.csv").open(encoding="utf-8"))
    }
    # An independent count from the export: municipalities that ticked each "lotsat" option.
    header, rows = read_table(export)
    form = load_form(2026, env.raw)
    lotsat = form.question("lotsat")
    for option in lotsat.options:
        column = header.index(lotsat.option_column(option))
        ticked = sum(r[column] == "1" for r in rows)
        assert figures[f"bilaga1_tabell5.{option.code}.antal"] == ticked, option.code
    assert "bilaga1_tabell5.pensionarsorganisationer.antal" in figures
    assert any(f.startswith("tabell4.") and f.endswith("_2025") for f in figures)
    assert any(f.startswith("tabell5.") for f in figures)  # 2024's question, via 2025
    report = (env.build / "2026" / "rapport.html").read_text("utf-8")
    with (env.build / "2026" / "figures.csv").open(encoding="utf-8") as f:
        cells = [{**r, "value": float(r["value"])} for r in csv.DictReader(f)]
    assert_text_says_what_figures_say(report, cells, first_year=False)
    html = re.sub(r"\s+", " ", report)
    assert "Tabell 6 (yrkesgrupper som genomför hälsosamtal med äldre) ingår inte" in html
    assert "Traceback" not in result.stdout + result.stderr


def test_the_command_refuses_to_overwrite_a_form(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "draft-form", "2025", str(EXPORT_2025)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "raw/forms/2025/form.toml exists; give --out" in result.stderr


def next_year_export(path: Path, previous_export: Path, previous: Form) -> list[str]:
    """2026's export made from 2025's as forms really change: a question inserted as
    number 2 (every later number shifts), the professions question removed, an option
    renamed ("Pensionärsföreningar" → "Pensionärsorganisationer"). Returns its header."""
    header, rows = read_table(previous_export)
    removed = {c for c, q, _ in previous.columns() if q.id == "yrkesgrupper"}

    def shifted(column: str) -> str:
        match = re.match(r"^(\d+)((?:\.\d+)*\.\s.*)$", column, re.S)
        if not match or int(match.group(1)) < 2:
            return column
        return f"{int(match.group(1)) + 1}{match.group(2)}"

    keep = [i for i, h in enumerate(header) if h not in removed]
    new_header = [shifted(header[i]) for i in keep]
    new_header.insert(9, "2. Har kommunen en samordnare för hälsosamtalen?")
    new_header = [h.replace("Pensionärsföreningar", "Pensionärsorganisationer") for h in new_header]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(new_header)
        for n, row in enumerate(rows):
            kept = [row[i] for i in keep]
            kept[0] = str(int(kept[0]) + 1000)  # its own Svars-ID
            writer.writerow([*kept[:9], "Ja" if n % 2 else "Nej", *kept[9:]])
    return new_header
