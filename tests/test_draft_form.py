"""`python -m pipeline draft-form`: next year's form drafted from its export and last
year's form, so that the analyst reviews a diff instead of typing 85 headers (issue 20)."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

from pipeline.config import RAW_DIR, ROOT
from pipeline.draft_form import read_table, write_draft
from pipeline.forms import load_form

EXPORT_2025 = RAW_DIR / "returns" / "2025" / "aterrapport_2025_export_2026-02-02.csv"


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
    """2026 from 2025: a question inserted as number 2 (every later number shifts), one
    question removed, one option renamed; the summary names each change."""
    previous = load_form(2025)
    header, rows = read_table(EXPORT_2025)
    removed = {c for c, q, _ in previous.columns() if q.id == "yrkesgrupper"}

    def shifted(column: str) -> str:
        match = re.match(r"^(\d+)((?:\.\d+)*\.\s.*)$", column, re.S)
        if not match or int(match.group(1)) < 2:
            return column
        return f"{int(match.group(1)) + 1}{match.group(2)}"

    keep = [i for i, h in enumerate(header) if h not in removed]
    new_header = [shifted(header[i]) for i in keep]
    new_header = [
        *new_header[:9],
        "2. Har kommunen en samordnare för hälsosamtalen?",
        *new_header[9:],
    ]
    renamed = "Pensionärsföreningar"
    new_header = [h.replace(renamed, "Pensionärsorganisationer") for h in new_header]
    export = tmp_path / "export_2026.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(new_header)
        for n, row in enumerate(rows):
            kept = [row[i] for i in keep]
            writer.writerow([*kept[:9], "Ja" if n % 2 else "Nej", *kept[9:]])
    form, summary = drafted(tmp_path, 2026, export)
    assert form.header() == new_header
    text = "\n".join(summary)
    assert "renumbered 2 → 3" in text and "renumbered 10 → 11" in text
    assert "2. har_kommunen_en_samordnare: NEW question" in text
    assert form.question("har_kommunen_en_samordnare").type == "single"
    assert "removed: " in text and "(yrkesgrupper)" in text
    assert "Pensionärsorganisationer" in text  # a new option (the label is not close)
    assert form.question("genomforande").number == "3"


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
