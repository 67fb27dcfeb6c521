"""A small EXAMPLE export for a new grant year: ``python -m pipeline.synthetic.example_year``.

It shows that adding a year is configuration: a form spec (raw/forms/2025/form.toml), a row
in raw/reference/bidragsar.csv, the ledger and an export. Nothing here is real: twelve
municipalities, their 2024 allocation keys as keys, random but consistent answers.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from pipeline.config import RAW_DIR
from pipeline.forms import Form, load_form
from pipeline.synthetic.exports import ExportFile, Submission, write_export
from pipeline.synthetic.generate import Money, asked, municipality_names, read_csv

YEAR = 2025
SOURCE = (
    "EXEMPEL: pipeline/synthetic/example_year.py (påhittat bidragsår för att visa konfigurationen)"
)


def example_answers(
    rng: np.random.Generator, money: Money, form: Form | None = None
) -> dict[str, object]:
    """Random answers that keep the form's skip logic and exclusive options."""
    form = form or load_form(YEAR)
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


def generate(raw: Path = RAW_DIR) -> list[Path]:
    rng = np.random.default_rng(YEAR)
    names = municipality_names(raw)
    keys = {
        r["kommunkod"]: int(r["belopp_kr"])
        for r in read_csv(raw / "ledger" / "2024" / "fordelningsnyckel.csv")
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
        load_form(YEAR),
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
    for path in generate():
        print(f"wrote {path}")
