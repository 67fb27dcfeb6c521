"""Extract the real money figures from the OCR'd seed documents into clean CSVs under raw/.

Re-runnable: ``python -m pipeline.seeds.extract [--seeds DIR] [--check]``.

* Seed 001 (government decision S2023/00676): the 2023 allocation key of all 290
  municipalities, listed in official municipality-code order.
* Seed 000 (the published 2024 follow-up), Bilaga 1 tabell 1: allocation key,
  requisitioned, unused kr and unused % for the 247 recipients of 2024.

The OCR text is damaged (lost å/ä/ö, digits split by spaces, names wrapped over two
lines, page-end rows printed numbers-first). Every ambiguity is resolved by a rule
that is checked against the published totals; the decisions are listed in
raw/README.md and asserted by tests/test_seed_extraction.py.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations, pairwise
from pathlib import Path

from pipeline.numbers import round_half_up

SEED_DECISION = "001_30091baa71b0437c.txt"
SEED_REPORT = "000_a5ba8af399d83c3a.txt"

# Published control totals the extraction must reproduce (seed 000, Tabell 2 and
# Bilaga 1 tabell 1 "Totalt"; seed 001 "Samtliga kommuner").
TOTAL_ALLOCATION_2023 = 143_500_000
TOTAL_REQUISITIONED_2024 = 85_906_462
TOTAL_UNUSED_2024 = 10_026_518
RECIPIENTS_2024 = 247
# The 2024 key: 95 Mkr over 355 469 residents aged 80+ without elderly care (2021).
APPROPRIATION_2024 = 95_000_000
TARGET_POPULATION_2024 = 355_469

SWEDISH_ALPHABET = "abcdefghijklmnopqrstuvwxyzåäö"


class ExtractionError(ValueError):
    """The seed text could not be turned into data without guessing."""


@dataclass(frozen=True)
class Kommun:
    kommunkod: str
    kommun: str
    kommun_namn: str


def load_kommuner(path: Path) -> list[Kommun]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Kommun(r["kommunkod"], r["kommun"], r["kommun_namn"]) for r in csv.DictReader(f)]


# ---------------------------------------------------------------- name matching


def fold(text: str) -> str:
    """Fold a name to the letters OCR keeps: lower case, no diacritics, no 'kommun'."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\bkommun\b", "", text)
    return re.sub(r"[^a-z]+", "", text)


def ocr_pattern(ocr_name: str) -> re.Pattern[str]:
    """A pattern for the folded true name: OCR prints å/ä/ö as é, 6, é6 or drops them."""
    text = re.sub(r"\bkommun\b", "", ocr_name.lower())
    parts = []
    for token in re.findall(r"é6|[é6&]|[a-z]", text):
        parts.append("[aoe]?" if token in ("é6", "é", "6", "&") else token)
    return re.compile("".join(parts))


def swedish_key(name: str) -> tuple[int, ...]:
    """Sort key in Swedish alphabetical order (å, ä, ö after z)."""
    return tuple(SWEDISH_ALPHABET.index(c) if c in SWEDISH_ALPHABET else -1 for c in name.lower())


def candidates(ocr_name: str, kommuner: list[Kommun]) -> list[Kommun]:
    """The reference municipalities an OCR'd name can be (ties all kept).

    First the names the OCR text fits letter for letter (with å/ä/ö as wildcards);
    failing that, the closest by edit similarity (a dropped letter: "sjbo" = Sjöbo).
    """
    pattern = ocr_pattern(ocr_name)
    exact = [k for k in kommuner if pattern.fullmatch(fold(k.kommun_namn))]
    if exact:
        return exact
    target = fold(ocr_name)
    scored = [
        (difflib.SequenceMatcher(None, target, fold(k.kommun_namn)).ratio(), k) for k in kommuner
    ]
    best = max(s for s, _ in scored)
    if best < 0.7:
        raise ExtractionError(f"no municipality resembles {ocr_name!r} (best {best:.2f})")
    # Near ties stay candidates; the table's alphabetical order decides between them.
    return [k for s, k in scored if s >= best - 0.1]


# ---------------------------------------------------------------- seed 001


@dataclass(frozen=True)
class AllocationRow:
    kommunkod: str
    kommun: str
    namn_i_kallan: str
    fordelningsnyckel_kr: int
    kallrad: int


def parse_allocation_2023(text: str, kommuner: list[Kommun]) -> list[AllocationRow]:
    """The 2023 allocation list: one 'Name<TAB>amount' line per municipality, in code order."""
    rows: list[AllocationRow] = []
    total: int | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = re.fullmatch(r"(?P<name>[^\t<]+)\t(?P<amount>[\d ]+)", line.strip())
        if m:
            rows.append(
                AllocationRow("", "", m["name"].strip(), int(m["amount"].replace(" ", "")), lineno)
            )
        elif "Samtliga kommuner" in line:
            total = int(re.sub(r"\D", "", line.split("\t")[1]))
    if len(rows) != len(kommuner):
        raise ExtractionError(f"seed 001: {len(rows)} allocation rows, expected {len(kommuner)}")
    out = []
    for row, kommun in zip(rows, kommuner, strict=True):
        similarity = difflib.SequenceMatcher(None, fold(row.namn_i_kallan), fold(kommun.kommun))
        if similarity.ratio() < 0.8:
            raise ExtractionError(
                f"seed 001 line {row.kallrad}: {row.namn_i_kallan!r} does not match "
                f"{kommun.kommunkod} {kommun.kommun} at the same position in code order"
            )
        out.append(
            AllocationRow(
                kommun.kommunkod,
                kommun.kommun,
                row.namn_i_kallan,
                row.fordelningsnyckel_kr,
                row.kallrad,
            )
        )
    summed = sum(r.fordelningsnyckel_kr for r in out)
    if summed != TOTAL_ALLOCATION_2023 or total != TOTAL_ALLOCATION_2023:
        raise ExtractionError(f"seed 001: allocation sums to {summed}, printed total {total}")
    return out


# ---------------------------------------------------------------- seed 000, Bilaga 1 tabell 1


@dataclass(frozen=True)
class MoneyRow:
    kommunkod: str
    mottagare: str
    namn_i_kallan: str
    fordelningsnyckel_kr: int
    rekvirerat_kr: int
    oanvant_kr: int
    oanvant_pct: int
    kallrad: int


def number_groupings(tokens: list[str], count: int) -> Iterator[list[int]]:
    """Every way to read digit tokens as `count` numbers with spaces as thousands separators.

    A number is one token, followed by any number of 3-digit tokens ("1 273 458").
    """
    n = len(tokens)
    for cuts in combinations(range(1, n), count - 1):
        bounds = (0, *cuts, n)
        parts = [tokens[a:b] for a, b in pairwise(bounds)]
        if all(
            (all(len(t) == 3 for t in p[1:]) and not p[0].startswith("0")) or p == ["0"]
            for p in parts
        ):
            yield [int("".join(p)) for p in parts]


def is_allocation_key(amount: int, appropriation: int, population: int) -> bool:
    """Whether an amount is round(n * appropriation / population) for a whole n.

    The government's key gives each municipality appropriation / population kronor
    per resident aged 80+ without elderly care, rounded to whole kronor.
    """
    n = round(amount * population / appropriation)
    return n > 0 and round_half_up(n * appropriation / population) == amount


def consistent(key: int, req: int, unused: int, pct: int) -> bool:
    """The arithmetic every Bilaga 1 row obeys."""
    return (
        is_allocation_key(key, APPROPRIATION_2024, TARGET_POPULATION_2024)
        and 0 < req <= key
        and 0 <= unused <= req
        and pct == round_half_up(100 * unused / req)
    )


def read_money(tokens: list[str], lineno: int) -> tuple[int, int, int, int]:
    readings = {tuple(g) for g in number_groupings(tokens, 4) if consistent(*g)}
    if len(readings) != 1:
        raise ExtractionError(
            f"seed 000 line {lineno}: digits {' '.join(tokens)!r} have "
            f"{len(readings)} consistent readings: {sorted(readings)}"
        )
    key, req, unused, pct = readings.pop()
    return key, req, unused, pct


HEADER_WORDS = ("Mottagare", "nyckel", "belopp", "Fordelnings", "Férdelnings")
DATA_LINE = re.compile(r"^(?P<name>.*?[A-Za-zÀ-ÿ].*?)\s+(?P<digits>\d[\d ]*\d|\d)$")
DIGITS_ONLY = re.compile(r"^\d[\d ]*$")


def bilaga1_lines(text: str) -> list[tuple[int, str]]:
    start = text.index("Tabell 1. Férdelning och anvandning av statsbidraget")
    end = text.index("Totalt", start) + len("Totalt")
    first_line = text.count("\n", 0, start) + 1
    return [(first_line + i, line.strip()) for i, line in enumerate(text[start:end].splitlines())][
        1:
    ]


def parse_bilaga1_tabell1(text: str, kommuner: list[Kommun]) -> list[MoneyRow]:
    """Rows of Bilaga 1 tabell 1, with names resolved to municipality codes."""
    raw: list[tuple[str, list[str], int]] = []  # (ocr name, digit tokens, line number)
    pending_digits: tuple[list[str], int] | None = None
    total: list[int] | None = None
    for lineno, line in bilaga1_lines(text):
        if not line or any(w in line for w in HEADER_WORDS):
            continue
        if DIGITS_ONLY.match(line):
            # Page-end row printed numbers-first: its name follows on the next page.
            pending_digits = (line.split(), lineno)
            continue
        if line == "kommun":
            # A name wrapped over two lines ("Hallstahammars ... \n kommun").
            name, tokens, ln = raw[-1]
            raw[-1] = (f"{name} kommun", tokens, ln)
            continue
        m = DATA_LINE.match(line)
        if m and len(m["digits"].split()) >= 4:
            raw.append((m["name"].strip(), m["digits"].split(), lineno))
        elif pending_digits is not None and line == "Totalt":
            # The total row, printed numbers-first too: requisitioned twice, then unused.
            total = [int("".join(p)) for p in group_total(pending_digits[0])]
            pending_digits = None
        elif pending_digits is not None:
            raw.append((line, *pending_digits))
            pending_digits = None
        elif line != "Totalt":
            raise ExtractionError(f"seed 000 line {lineno}: cannot read {line!r}")
    if pending_digits is not None:
        raise ExtractionError(f"seed 000 line {pending_digits[1]}: digits without a name")

    resolved: list[list[Kommun]] = [candidates(name, kommuner) for name, _, _ in raw]
    rows = []
    for i, ((name, tokens, lineno), cands) in enumerate(zip(raw, resolved, strict=True)):
        kommun = cands[0] if len(cands) == 1 else by_position(name, cands, resolved, i)
        key, req, unused, pct = read_money(tokens, lineno)
        rows.append(
            MoneyRow(kommun.kommunkod, kommun.kommun_namn, name, key, req, unused, pct, lineno)
        )
    check_bilaga1(rows, total)
    return rows


def by_position(name: str, cands: list[Kommun], resolved: list[list[Kommun]], i: int) -> Kommun:
    """Break a tie between readings of a damaged name (Habo/Håbo, Västerås/Västervik).

    The table is sorted in Swedish alphabetical order, so the right reading is the
    one that sorts strictly between its unambiguous neighbours.
    """
    before = next(r[0] for r in reversed(resolved[:i]) if len(r) == 1)
    after = next(r[0] for r in resolved[i + 1 :] if len(r) == 1)
    fitting = [
        k
        for k in cands
        if swedish_key(before.kommun) < swedish_key(k.kommun) < swedish_key(after.kommun)
    ]
    if len(fitting) != 1:
        raise ExtractionError(f"cannot tell {name!r} apart from {[k.kommun for k in cands]}")
    return fitting[0]


def group_total(tokens: list[str]) -> list[list[str]]:
    """The total row's digits read as three numbers of the printed size (8 digits each)."""
    readings = [g for g in number_groupings(tokens, 3) if g[0] == g[1]]
    if len(readings) != 1:
        raise ExtractionError(f"Bilaga 1: the total row {' '.join(tokens)!r} is ambiguous")
    return [[str(n)] for n in readings[0]]


def check_bilaga1(rows: list[MoneyRow], total: list[int] | None) -> None:
    codes = [r.kommunkod for r in rows]
    if len(rows) != RECIPIENTS_2024 or len(set(codes)) != len(codes):
        raise ExtractionError(f"Bilaga 1: {len(rows)} rows, {len(set(codes))} distinct codes")
    req = sum(r.rekvirerat_kr for r in rows)
    unused = sum(r.oanvant_kr for r in rows)
    if (req, unused) != (TOTAL_REQUISITIONED_2024, TOTAL_UNUSED_2024):
        raise ExtractionError(f"Bilaga 1 sums: requisitioned {req}, unused {unused}")
    if total != [req, req, unused]:
        raise ExtractionError(f"Bilaga 1: printed total row {total} != summed {[req, req, unused]}")


# ---------------------------------------------------------------- writers


def to_csv(rows: list, fields: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(fields)
    for r in rows:
        writer.writerow([getattr(r, f) for f in fields])
    return buf.getvalue()


MONEY_FIELDS = [
    "kommunkod",
    "mottagare",
    "namn_i_kallan",
    "fordelningsnyckel_kr",
    "rekvirerat_kr",
    "oanvant_kr",
    "oanvant_pct",
    "kallrad",
]
LEDGER_FIELDS = ["kommunkod", "kommun", "namn_i_kallan", "belopp_kr", "kalla"]


@dataclass(frozen=True)
class LedgerRow:
    """One amount per municipality in the grant ledger, with where it was read."""

    kommunkod: str
    kommun: str
    namn_i_kallan: str
    belopp_kr: int
    kalla: str


def allocation_ledger(rows: list[AllocationRow]) -> list[LedgerRow]:
    return [
        LedgerRow(
            r.kommunkod,
            r.kommun,
            r.namn_i_kallan,
            r.fordelningsnyckel_kr,
            f"seed {SEED_DECISION} rad {r.kallrad}",
        )
        for r in rows
    ]


def money_ledger(rows: list[MoneyRow], field: str) -> list[LedgerRow]:
    return [
        LedgerRow(
            r.kommunkod,
            r.mottagare,
            r.namn_i_kallan,
            getattr(r, field),
            f"seed {SEED_REPORT} rad {r.kallrad} (Bilaga 1 tabell 1)",
        )
        for r in rows
    ]


def extract(seeds: Path, raw: Path) -> dict[Path, str]:
    """The CSV text of every extracted file, keyed by its path under raw/."""
    kommuner = load_kommuner(raw / "reference" / "kommuner.csv")
    alloc = parse_allocation_2023((seeds / SEED_DECISION).read_text(encoding="utf-8"), kommuner)
    money = parse_bilaga1_tabell1((seeds / SEED_REPORT).read_text(encoding="utf-8"), kommuner)
    money.sort(key=lambda r: r.kommunkod)
    return {
        Path("ledger/2023/fordelningsnyckel.csv"): to_csv(allocation_ledger(alloc), LEDGER_FIELDS),
        Path("ledger/2024/fordelningsnyckel.csv"): to_csv(
            money_ledger(money, "fordelningsnyckel_kr"), LEDGER_FIELDS
        ),
        Path("ledger/2024/rekvisitioner.csv"): to_csv(
            money_ledger(money, "rekvirerat_kr"), LEDGER_FIELDS
        ),
        Path("published/2024/bilaga1_tabell1.csv"): to_csv(money, MONEY_FIELDS),
    }


def write_extraction(seeds: Path, raw: Path, check: bool = False) -> int:
    """Extract the money figures from `seeds` into `raw` (the `extract-seeds` command);
    with `check`, only say which files differ from a fresh extraction. Returns an exit
    code: 1 when checking found a difference."""
    outputs = extract(seeds, raw)
    stale = [
        p
        for p, t in outputs.items()
        if not (raw / p).exists() or (raw / p).read_text(encoding="utf-8") != t
    ]
    if check:
        for p in stale:
            print(f"differs from a fresh extraction: raw/{p}", file=sys.stderr)
        return 1 if stale else 0
    for path, content in outputs.items():
        (raw / path).parent.mkdir(parents=True, exist_ok=True)
        (raw / path).write_text(content, encoding="utf-8")
        print(f"wrote raw/{path}")
    return 0
