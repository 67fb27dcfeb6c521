"""The EXAMPLE grant year 2025, kept apart from the real data in tests/fixtures/example_year/:
a form (forms/2025/form.toml), a row for raw/reference/bidragsar.csv, a ledger and an
export. Nothing in it is real: twelve municipalities, their 2024 allocation keys as keys,
random but consistent answers. The tests build it beside the real years; the README's
walkthrough adds it to a copy of raw/:

    python -m pipeline.synthetic.example_year --add-to <raw folder>
    python -m pipeline.synthetic.example_year --generate   (rewrite the fixture's data)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import shutil
from pathlib import Path

import numpy as np

from pipeline.config import ROOT
from pipeline.forms import Form, load_form
from pipeline.synthetic.exports import ExportFile, Submission, write_export
from pipeline.synthetic.generate import Money, asked, municipality_names, read_csv

YEAR = 2025
FIXTURE = ROOT / "tests" / "fixtures" / "example_year"
SOURCE = (
    "EXEMPEL: pipeline/synthetic/example_year.py (påhittat bidragsår för att visa konfigurationen)"
)


def example_answers(
    rng: np.random.Generator, money: Money, form: Form | None = None
) -> dict[str, object]:
    """Random answers that keep the form's skip logic and exclusive options."""
    form = form or load_form(YEAR, FIXTURE / "raw")
    answers: dict[str, object] = {
        "rekvirerat": money.rekvirerat,
        "anvant": money.anvant,
        "oanvant": money.oanvant,
    }
    for q in form.questions:
        if q.id in answers or not asked(q, answers, money):
            continue
        if q.id == "lonekostnader":
            answers[q.id] = int(money.anvant * rng.uniform(0.6, 0.95))
        elif q.id == "ovriga_kostnader":
            answers[q.id] = money.anvant - int(answers["lonekostnader"])
        elif q.id == "genomforande":
            answers[q.id] = "startat" if rng.uniform() < 0.9 else "forberett"
        elif q.type in ("amount", "count"):
            answers[q.id] = int(rng.integers(20, 400))
        elif q.type == "single":
            answers[q.id] = q.options[int(rng.integers(len(q.options)))].code
        elif q.type == "multiple":
            plain = [o.code for o in q.options if not o.exclusive]
            if q.exclusive_codes and rng.uniform() < 0.2:
                answers[q.id] = set(q.exclusive_codes)
            else:
                k = int(rng.integers(1, min(3, len(plain)) + 1))
                answers[q.id] = set(rng.choice(plain, size=k, replace=False).tolist())
        else:
            answers[q.id] = None
    return answers


def write_ledger(path: Path, rows: list[tuple[str, str, int]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kommunkod", "kommun", "namn_i_kallan", "belopp_kr", "kalla"])
        for code, name, amount in rows:
            w.writerow([code, name, name, amount, SOURCE])


def add_to(raw: Path) -> None:
    """Put the example year into a raw folder (a copy of raw/, not the real one): its
    form, ledger and export, and its row in reference/bidragsar.csv."""
    for part in ("forms", "ledger", "returns"):
        shutil.copytree(FIXTURE / "raw" / part / str(YEAR), raw / part / str(YEAR))
    grant_years = raw / "reference" / "bidragsar.csv"
    text = grant_years.read_text(encoding="utf-8")
    if not any(line.startswith(f"{YEAR},") for line in text.splitlines()):
        row = (FIXTURE / "bidragsar.csv").read_text(encoding="utf-8").splitlines()[1]
        grant_years.write_text(text.rstrip("\n") + "\n" + row + "\n", encoding="utf-8")


def generate(real_raw: Path = ROOT / "raw") -> list[Path]:
    """Rewrite the fixture's ledger and export from its form and the 2024 allocation keys."""
    raw = FIXTURE / "raw"
    rng = np.random.default_rng(YEAR)
    names = municipality_names(real_raw)
    keys = {
        r["kommunkod"]: int(r["belopp_kr"])
        for r in read_csv(real_raw / "ledger" / "2024" / "fordelningsnyckel.csv")
    }
    chosen = sorted(rng.choice(sorted(keys), size=12, replace=False).tolist())
    money = {}
    for c in chosen:
        unused = 0 if rng.uniform() < 0.7 else int(keys[c] * rng.uniform(0.05, 0.5))
        money[c] = Money(keys[c], unused)
    write_ledger(
        raw / "ledger" / str(YEAR) / "fordelningsnyckel.csv",
        [(c, names[c], keys[c]) for c in sorted(keys)],
    )
    write_ledger(
        raw / "ledger" / str(YEAR) / "rekvisitioner.csv",
        [(c, names[c], money[c].rekvirerat) for c in chosen],
    )
    subs = [
        Submission(
            str(7_000_000 + i),
            dt.datetime(2026, 1, 12 + i, 10, 0),
            names[c],
            example_answers(rng, money[c]),
        )
        for i, c in enumerate(chosen)
    ]
    export = ExportFile(
        raw / "returns" / str(YEAR) / "aterrapport_2025_export_2026-02-02.csv",
        load_form(YEAR, raw),
        subs,
        kind="csv",
        encoding="utf-8",
        delimiter=";",
        thousands=" ",
    )
    export.path.parent.mkdir(parents=True, exist_ok=True)
    write_export(export)
    return [
        raw / "ledger" / str(YEAR) / "fordelningsnyckel.csv",
        raw / "ledger" / str(YEAR) / "rekvisitioner.csv",
        export.path,
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--add-to", type=Path, help="a copy of raw/ to add the example to")
    parser.add_argument("--generate", action="store_true", help="rewrite the fixture's data")
    args = parser.parse_args()
    if args.generate:
        for path in generate():
            print(f"wrote {path}")
    if args.add_to:
        if args.add_to.resolve() == (ROOT / "raw").resolve():
            parser.error("raw/ holds only real data: add the example to a copy of it")
        add_to(args.add_to)
        print(f"added the example year {YEAR} to {args.add_to}")
