"""Generate the synthetic return reports: ``python -m pipeline.synthetic.generate``.

Seeded and reproducible: the same code and inputs write byte-identical files. It writes
* raw/ledger/2023/rekvisitioner.csv: synthetic 2023 requisitions (the real 2023 keys
  plus a synthetic share of the redistributed money), and
* raw/returns/<year>/…: the exports an analyst receives (main export, late reports and a
  correction), with the real 2024 money and synthetic answers calibrated to the
  published counts (targets/<year>.toml).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.config import raw_dir
from pipeline.forms import Form, Question, load_form
from pipeline.numbers import round_half_up
from pipeline.synthetic import texts
from pipeline.synthetic.allocate import multiple_choice, single_choice, split_total
from pipeline.synthetic.exports import ExportFile, Submission, write_export

TARGETS_DIR = Path(__file__).parent / "targets"
STOCKHOLM = "0180"

Answers = dict[str, object]  # question id → int | str | set[str] | None


@dataclass(frozen=True)
class Money:
    rekvirerat: int
    oanvant: int

    @property
    def anvant(self) -> int:
        return self.rekvirerat - self.oanvant


def load_targets(year: int) -> dict:
    with (TARGETS_DIR / f"{year}.toml").open("rb") as f:
        return tomllib.load(f)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def municipality_names(raw: Path) -> dict[str, str]:
    return {r["kommunkod"]: r["kommun_namn"] for r in read_csv(raw / "reference" / "kommuner.csv")}


def target_population_2023(raw: Path) -> dict[str, int]:
    """Residents aged 80+ without elderly care, recovered from the real 2023 keys."""
    rows = read_csv(raw / "ledger" / "2023" / "fordelningsnyckel.csv")
    return {r["kommunkod"]: round(int(r["belopp_kr"]) * 341_591 / 143_500_000) for r in rows}


# ---------------------------------------------------------------- money


def money_2024(raw: Path) -> dict[str, Money]:
    """The real 2024 figures (Bilaga 1 tabell 1)."""
    rows = read_csv(raw / "published" / "2024" / "bilaga1_tabell1.csv")
    return {r["kommunkod"]: Money(int(r["rekvirerat_kr"]), int(r["oanvant_kr"])) for r in rows}


def money_2023(rng: np.random.Generator, raw: Path, targets: dict) -> dict[str, Money]:
    """Synthetic 2023 money consistent with the real keys and the published totals.

    Recipients are mostly the 2024 recipients; the keys of the municipalities that did not
    requisition were redistributed to recipients that asked for more, so that the whole
    143.5 Mkr was paid out (Tabell 2, 2023).
    """
    keys = {
        r["kommunkod"]: int(r["belopp_kr"])
        for r in read_csv(raw / "ledger" / "2023" / "fordelningsnyckel.csv")
    }
    recipients_2024 = set(money_2024(raw))
    codes = sorted(keys)
    w = np.array([4.0 if c in recipients_2024 else 0.3 for c in codes])
    from pipeline.synthetic.allocate import weighted_sample

    recipients = weighted_sample(rng, codes, w, targets["recipients"])
    recipients_set = set(recipients)
    if STOCKHOLM not in recipients_set:
        recipients[-1] = STOCKHOLM
        recipients = sorted(recipients)
    redistributed = targets["requisitioned_total"] - sum(keys[c] for c in recipients)
    wanting_more = weighted_sample(rng, recipients, np.ones(len(recipients)), 150)
    extra = split_total(rng, {c: keys[c] for c in wanting_more}, redistributed)
    requisitioned = {c: keys[c] + extra.get(c, 0) for c in recipients}

    # Who used nothing, who used part: small recipients more often used nothing.
    size = np.array([requisitioned[c] for c in recipients], dtype=float)
    none = set(weighted_sample(rng, recipients, 1 / np.sqrt(size), targets["unused_none"]))
    unused = {c: requisitioned[c] for c in none}
    rest_total = targets["unused_total"] - sum(unused.values())
    partial = weighted_sample(
        rng, [c for c in recipients if c not in none], np.ones(len(recipients) - len(none)), 140
    )
    shares = {c: float(rng.beta(2.0, 2.5)) * requisitioned[c] for c in partial}
    split = split_total(rng, shares, rest_total, minimum=1)
    for c, amount in split.items():
        if amount >= requisitioned[c]:
            raise RuntimeError(f"synthetic 2023 unused for {c} exceeds its requisition")
        unused[c] = amount
    return {c: Money(requisitioned[c], unused.get(c, 0)) for c in recipients}


# ---------------------------------------------------------------- answers


def engagement(
    rng: np.random.Generator, money: dict[str, Money], population: dict[str, int]
) -> dict[str, float]:
    """A latent score per municipality: larger ones that used more of the grant tick more
    options and rate themselves higher. It makes each municipality's answers hang together."""
    codes = sorted(money)
    size = np.log([max(population.get(c, 100), 10) for c in codes])
    used = np.array([money[c].anvant / money[c].rekvirerat for c in codes])
    z = 0.6 * (size - size.mean()) / size.std() + 0.8 * (used - used.mean()) / used.std()
    z = z + rng.normal(0, 0.6, len(codes))
    return dict(zip(codes, z.tolist(), strict=True))


def asked(q: Question, answers: Answers, money: Money) -> bool:
    """The form's skip logic."""
    if q.asked_if == "all":
        return True
    if q.asked_if == "used":
        return money.anvant > 0
    if q.asked_if == "unused":
        return money.oanvant > 0
    if q.asked_if == "started":
        return answers.get("genomforande") == "startat"
    return any(
        (code in answers[qid]) if isinstance(answers.get(qid), set) else answers.get(qid) == code
        for qid, code in q.conditions()
    )


def salaries(
    rng: np.random.Generator, money: dict[str, Money], answers: dict[str, Answers], share_pct: int
) -> dict[str, int]:
    """Salary costs per municipality whose total is share_pct % of all used money, exactly.

    Municipalities that passed everything to an independent provider have no salary costs.
    """
    users = [c for c in sorted(money) if money[c].anvant > 0]
    total_used = sum(money[c].anvant for c in users)
    target = round(total_used * share_pct / 100)
    own = [c for c in users if answers[c].get("regi") != "fristaende"]
    weights = {c: money[c].anvant * float(rng.beta(8, 2)) for c in own}
    out = split_total(rng, weights, target)
    over = sum(max(0, out[c] - money[c].anvant) for c in own)
    if over:
        raise RuntimeError("salary exceeds used money; adjust the salary share")
    return {c: out.get(c, 0) for c in users}


def persons(
    rng: np.random.Generator, started: list[str], population: dict[str, int], total: int
) -> dict[str, int]:
    """Persons reached: roughly proportional to the target population, with spread."""
    weights = {c: population[c] * float(rng.lognormal(0, 0.5)) for c in started}
    return split_total(rng, weights, total, minimum=3)


def generate_answers(
    form: Form,
    targets: dict,
    money: dict[str, Money],
    population: dict[str, int],
    rng: np.random.Generator,
) -> dict[str, Answers]:
    """Every municipality's answers to the year's form, question by question."""
    score = engagement(rng, money, population)
    codes = sorted(money)
    answers: dict[str, Answers] = {c: {} for c in codes}
    for c in codes:
        answers[c].update(
            rekvirerat=money[c].rekvirerat, anvant=money[c].anvant, oanvant=money[c].oanvant
        )
    forced = {c: "fristaende" for c in targets.get("independent_all", [])}
    for q in form.questions:
        if q.id in {"rekvirerat", "anvant", "oanvant"}:
            continue
        units = [c for c in codes if asked(q, answers[c], money[c])]
        value: dict[str, object]
        if q.id == "genomforande":
            # Only-prepared municipalities are the ones that used least of the grant.
            prep_score = {c: score[c] + 3 * (c in forced) for c in units}
            value = single_choice(rng, units, prep_score, targets["single"][q.id], noise=0.8)
        elif q.id == "regi":
            value = dict(forced)
            free = [c for c in units if c not in forced]
            counts = dict(targets["single"][q.id])
            counts["fristaende"] -= len(forced)
            order = {"delvis_fristaende": counts.pop("delvis_fristaende")}
            value.update(single_choice(rng, free, score, {**order, **counts}, noise=1.5))
        elif q.type == "single":
            value = single_choice(rng, units, score, targets["single"][q.id])
        elif q.type == "multiple":
            q_score = {c: (-score[c] if q.id == "inriktning" else score[c]) for c in units}
            exclusive = next(iter(q.exclusive_codes), None)
            value = multiple_choice(rng, units, q_score, targets["multiple"][q.id], exclusive)
        elif q.id == "lonekostnader":
            value = salaries(rng, money, answers, targets["salary_share_pct"])
        elif q.id == "ovriga_kostnader":
            value = {c: money[c].anvant - answers[c]["lonekostnader"] for c in units}
        elif q.id == "belopp_fristaende":
            value = {
                # All of what was used, never more (rule fristaende_hogst_anvant).
                c: money[c].anvant
                if answers[c]["regi"] == "fristaende"
                else int(round_half_up(money[c].anvant * rng.uniform(0.1, 0.6), -2))
                for c in units
            }
        elif q.id == "antal_personer":
            value = persons(rng, units, population, targets["persons_total"])
        elif q.type == "text":
            value = free_text(rng, q.id, units)
        else:
            raise RuntimeError(f"no generator for question {q.id}")
        for c in units:
            answers[c][q.id] = value.get(c)
    if STOCKHOLM in answers and answers[STOCKHOLM].get("genomforande") == "startat":
        answers[STOCKHOLM]["kommentarer"] = texts.STOCKHOLM_COMMENT
    return answers


def free_text(rng: np.random.Generator, qid: str, units: list[str]) -> dict[str, object]:
    bank = {
        "skal_oanvant": (texts.REASONS_UNUSED, 1.0),
        "metod_annan": (texts.OTHER_METHODS, 1.0),
        "kommentarer": (texts.COMMENTS, 0.35),
    }[qid]
    lines, share = bank
    return {
        c: lines[int(rng.integers(len(lines)))] if rng.uniform() < share else None for c in units
    }


# ---------------------------------------------------------------- submissions and files


def submissions(
    rng: np.random.Generator,
    form: Form,
    answers: dict[str, Answers],
    names: dict[str, str],
    start: dt.datetime,
    end: dt.datetime,
) -> dict[str, Submission]:
    span = (end - start).total_seconds()
    ids = rng.choice(np.arange(1_000_000, 9_999_999), size=len(answers), replace=False)
    out = {}
    for sid, c in zip(ids, sorted(answers), strict=True):
        at = start + dt.timedelta(seconds=int(rng.uniform(0, span)))
        out[c] = Submission(str(sid), at.replace(microsecond=0), names[c], answers[c])
    return out


def corrected_original(sub: Submission, rng: np.random.Generator) -> Submission:
    """The first, faulty submission a correction later replaces: it counted every
    conversation instead of unique persons, and its cost split does not add up."""
    wrong = dict(sub.answers)
    if wrong.get("antal_personer"):
        wrong["antal_personer"] = int(wrong["antal_personer"]) * 3
    if wrong.get("lonekostnader"):
        wrong["lonekostnader"] = int(wrong["lonekostnader"]) + 10_000
    first = sub.submitted_at - dt.timedelta(days=30)
    return Submission(str(int(sub.submission_id) - 1), first, sub.kommun, wrong)


def files_for_year(
    year: int, raw: Path, rng: np.random.Generator, subs: dict[str, Submission]
) -> list[ExportFile]:
    """Split a year's submissions into the files an analyst receives."""
    codes = sorted(subs)
    form = load_form(year, raw)
    if year == 2024:
        late = ["2462", "2521"]  # Vilhelmina and Pajala report after the deadline
        corrected = "0380"  # Uppsala first files a faulty report, then a correction
        for i, c in enumerate(late):
            subs[c] = subs[c].at(dt.datetime(2025, 2, 10 + i, 9 + i, 12, 5))
        subs[corrected] = subs[corrected].at(dt.datetime(2025, 2, 24, 13, 40, 11))
        main = [subs[c] for c in codes if c not in late and c != corrected]
        main.append(corrected_original(subs[corrected], rng))
        return [
            ExportFile(
                raw / "returns/2024/aterrapport_2024_export_2025-02-03.xlsx",
                form,
                main,
                kind="xlsx",
            ),
            ExportFile(
                raw / "returns/2024/sena_aterrapporter_2025-02-12.csv",
                form,
                [subs[c] for c in late],
                kind="csv",
                encoding="utf-8",
                delimiter=",",
            ),
            ExportFile(
                raw / "returns/2024/rattelse_uppsala_2025-02-24.csv",
                form,
                [subs[corrected]],
                kind="csv",
                encoding="utf-8-sig",
                delimiter=";",
                thousands=" ",
            ),
        ]
    late_2023 = [codes[len(codes) // 3]]
    for c in late_2023:
        subs[c] = subs[c].at(dt.datetime(2024, 2, 14, 10, 5, 0))
    return [
        ExportFile(
            raw / "returns/2023/aterrapport_2023_export_2024-02-05.csv",
            form,
            [subs[c] for c in codes if c not in late_2023],
            kind="csv",
            encoding="cp1252",
            delimiter=";",
            thousands=" ",
            decimals=True,
        ),
        ExportFile(
            raw / "returns/2023/sen_aterrapport_2024-02-14.xlsx",
            form,
            [subs[c] for c in late_2023],
            kind="xlsx",
        ),
    ]


def write_ledger_2023(raw: Path, money: dict[str, Money], names: dict[str, str]) -> Path:
    path = raw / "ledger" / "2023" / "rekvisitioner.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kommunkod", "kommun", "namn_i_kallan", "belopp_kr", "kalla"])
        for c in sorted(money):
            w.writerow(
                [
                    c,
                    names[c],
                    names[c],
                    money[c].rekvirerat,
                    "SYNTETISK: pipeline/synthetic/generate.py (2023 per kommun ej publicerat)",
                ]
            )
    return path


def generate(raw: Path | None = None) -> list[Path]:
    raw = raw or raw_dir()
    names = municipality_names(raw)
    population = target_population_2023(raw)
    written = []
    for year in (2023, 2024):
        targets = load_targets(year)
        rng = np.random.default_rng(targets["seed"])
        form = load_form(year, raw)
        if year == 2023:
            money = money_2023(rng, raw, targets)
            written.append(write_ledger_2023(raw, money, names))
        else:
            money = money_2024(raw)
        answers = generate_answers(form, targets, money, population, rng)
        start = dt.datetime.combine(form.opened, dt.time(8))
        end = dt.datetime.combine(form.deadline, dt.time(17))
        subs = submissions(rng, form, answers, names, start, end)
        for export in files_for_year(year, raw, rng, subs):
            export.path.parent.mkdir(parents=True, exist_ok=True)
            write_export(export)
            written.append(export.path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=raw_dir())
    args = parser.parse_args(argv)
    for path in generate(args.raw):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
