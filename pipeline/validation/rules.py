"""The rules, defined in code and versioned with it. Each rule is one Great Expectations
expectation on a frame of facts, with a severity and a sentence an analyst understands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    text: str  # the rule in words, as an analyst reads it
    expectation: str  # Great Expectations class name
    kwargs: dict[str, Any] = field(hash=False)
    columns: tuple[str, ...] = ()  # the frame columns a failing row is reported with
    labels: dict[str, str] = field(default_factory=dict, hash=False)  # column → export column
    sv: str = ""  # the rule as the published report and the validation report name it


MONEY = {
    "rekvirerat": "1.1. Rekvirerat belopp (kr)",
    "anvant": "1.2. Använt belopp (kr)",
    "oanvant": "1.3. Oanvänt belopp (kr)",
    "lonekostnader": "1.4. Varav lönekostnader (kr)",
    "ovriga_kostnader": "1.5. Varav övriga kostnader (kr)",
    "kostnader_summa": "1.4 + 1.5",
    "rekvirerat_minus_oanvant": "1.1 − 1.3",
    "kommun_i_fil": "Organisation",
    "submitted_at": "Inskickad",
    "antal_personer": "5. Antal personer",
    "belopp_fristaende": "8.1. Belopp som har fördelats till fristående aktör (kr)",
}


# Swedish names of the fact columns a failing row is reported with, where a rule gives none.
FACT_LABELS = {
    "id_problem": "Identitet",
    "value_problems": "Värden som inte går att läsa",
    "negative_columns": "Negativa belopp i",
    "not_asked_but_answered": "Besvarade frågor som inte ställdes",
    "exclusive_broken": "Frågor med nej-alternativ och andra svar",
    "id_conflict": "Svars-ID",
    "tie_problem": "Inskickad",
    "utan_rekvisition": "Reskontran",
    "kommunkod": "Kommunkod",
    "time_problem": "Inskickad",
    "suspicious_text_columns": "Fritext med kod i",
    "check_name": "Kontroll",
    "expected": "Förväntat",
    "actual": "Faktiskt",
    "figure_id": "Siffra",
    "procent": "Procent",
    "antal": "Antal",
    "denominator": "Nämnare",
}


def _pair_ge(a: str, b: str) -> dict[str, Any]:
    return {
        "column_A": a,
        "column_B": b,
        "or_equal": True,
        "ignore_row_if": "either_value_is_missing",
    }


def _pair_eq(a: str, b: str) -> dict[str, Any]:
    return {"column_A": a, "column_B": b, "ignore_row_if": "either_value_is_missing"}


# Rules on every submission of the year (validated.submission_facts).
SUBMISSION_RULES: tuple[Rule, ...] = (
    Rule(
        "identifierad",
        ERROR,
        "every report has a Svars-ID, a readable submission time and an organisation that "
        "is a municipality of the reference list, each a value and not a formula",
        "ExpectColumnValuesToBeNull",
        {"column": "id_problem"},
        ("id_problem",),
        sv="Rapporten har svars-ID, läsbar tidpunkt och en kommun i kommunregistret",
    ),
    Rule(
        "varden_lasbara",
        ERROR,
        "every amount and count is a whole number, every option 1 or 0 and every single "
        "choice one of the question's options",
        "ExpectColumnValuesToBeNull",
        {"column": "value_problems"},
        ("value_problems",),
        sv="Belopp och antal är heltal, kryss 1 eller 0, val ett av alternativen",
    ),
    Rule(
        "belopp_ej_negativa",
        ERROR,
        "amounts and counts are not negative",
        "ExpectColumnValuesToBeNull",
        {"column": "negative_columns"},
        ("negative_columns",),
        sv="Belopp och antal är inte negativa",
    ),
    Rule(
        "oanvant_hogst_rekvirerat",
        ERROR,
        "unused ≤ requisitioned",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        _pair_ge("rekvirerat", "oanvant"),
        ("rekvirerat", "oanvant"),
        MONEY,
        sv="Oanvänt belopp är högst det rekvirerade",
    ),
    Rule(
        "rekvirerat_hogst_nyckel",
        ERROR,
        "requisitioned ≤ the municipality's allocation key (in years without redistribution)",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        _pair_ge("tak_utan_omfordelning", "rekvirerat"),
        ("rekvirerat", "tak_utan_omfordelning"),
        {**MONEY, "tak_utan_omfordelning": "fördelningsnyckel"},
        sv="Rekvirerat belopp är högst fördelningsnyckeln",
    ),
    Rule(
        "anvant_ar_rekvirerat_minus_oanvant",
        ERROR,
        "used = requisitioned − unused",
        "ExpectColumnPairValuesToBeEqual",
        _pair_eq("anvant", "rekvirerat_minus_oanvant"),
        ("anvant", "rekvirerat_minus_oanvant"),
        MONEY,
        sv="Använt belopp är rekvirerat minus oanvänt",
    ),
    Rule(
        "kostnader_summerar",
        ERROR,
        "salary costs + other costs = used",
        "ExpectColumnPairValuesToBeEqual",
        _pair_eq("kostnader_summa", "anvant"),
        ("lonekostnader", "ovriga_kostnader", "anvant"),
        MONEY,
        sv="Lönekostnader och övriga kostnader summerar till använt belopp",
    ),
    Rule(
        "hoppregler",
        ERROR,
        "a report answers only the questions the form asks of it: one that used nothing "
        "answers no activity questions, one that only prepared no conversation questions",
        "ExpectColumnValuesToBeNull",
        {"column": "not_asked_but_answered"},
        ("not_asked_but_answered",),
        sv="Rapporten besvarar bara frågor som ställs till den",
    ),
    Rule(
        "uteslutande_alternativ",
        ERROR,
        "a 'no' option (e.g. 'Nej, kommunen samverkar inte') excludes every other option "
        "of its question",
        "ExpectColumnValuesToBeNull",
        {"column": "exclusive_broken"},
        ("exclusive_broken",),
        sv="Ett nej-alternativ kombineras inte med andra svar",
    ),
    Rule(
        "svars_id_unikt",
        ERROR,
        "a Svars-ID belongs to the reports of one municipality",
        "ExpectColumnValuesToBeNull",
        {"column": "id_conflict"},
        ("id_conflict",),
        sv="Ett svars-ID hör till en kommuns rapporter",
    ),
    Rule(
        "entydig_senaste",
        ERROR,
        "no two reports of one municipality are submitted at the same time",
        "ExpectColumnValuesToBeNull",
        {"column": "tie_problem"},
        ("tie_problem",),
        sv="En kommun har inte två rapporter inskickade vid samma tidpunkt",
    ),
    Rule(
        "i_reskontran",
        ERROR,
        "the municipality requisitioned the grant that year (it is in the grant ledger)",
        "ExpectColumnValuesToBeNull",
        {"column": "utan_rekvisition"},
        ("utan_rekvisition",),
        sv="Kommunen rekvirerade bidraget det året",
    ),
    Rule(
        "fristaende_hogst_anvant",
        ERROR,
        "the amount paid to an independent provider ≤ used",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        _pair_ge("anvant", "belopp_fristaende"),
        ("belopp_fristaende", "anvant"),
        MONEY,
        sv="Belopp till fristående aktör är högst använt belopp",
    ),
    Rule(
        "rekvirerat_som_i_reskontran",
        ERROR,
        "the requisitioned amount in the report equals the grant ledger",
        "ExpectColumnPairValuesToBeEqual",
        _pair_eq("rekvirerat", "rekvirerat_enligt_reskontra"),
        ("rekvirerat", "rekvirerat_enligt_reskontra"),
        {**MONEY, "rekvirerat_enligt_reskontra": "reskontran (raw/ledger)"},
        sv="Rekvirerat belopp stämmer med reskontran",
    ),
    Rule(
        "en_aktuell_per_kommun",
        ERROR,
        "one current report per municipality and year",
        "ExpectColumnValuesToBeUnique",
        {"column": "current_kommunkod"},
        ("kommunkod",),
        sv="En aktuell rapport per kommun och år",
    ),
    Rule(
        "inskickad_efter_oppning",
        ERROR,
        "submitted on or after the day the form opened, and not after the time of the build",
        "ExpectColumnValuesToBeNull",
        {"column": "time_problem"},
        ("time_problem",),
        sv="Rapporten skickades in efter att formuläret öppnat och inte senare än byggets tidpunkt",
    ),
    Rule(
        "inskickad_i_tid",
        WARNING,
        "submitted by the deadline (a late report)",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        _pair_ge("sista_dag", "inskickad_dag"),
        ("submitted_at",),
        MONEY,
        sv="Rapporten kom in senast sista dag",
    ),
    Rule(
        "personer_rimligt",
        WARNING,
        "persons reached at most twice the municipality's residents aged 80+ without elderly care",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        _pair_ge("personer_tak", "antal_personer"),
        ("antal_personer", "personer_tak"),
        {**MONEY, "personer_tak": "2 × målgruppen"},
        sv="Antalet personer är högst dubbla målgruppen i kommunen",
    ),
    Rule(
        "fritext_utan_kod",
        WARNING,
        "free text holds no markup, script link, spreadsheet formula (also behind invisible "
        "or full-width characters), Typst or markdown code (it is escaped in every output)",
        "ExpectColumnValuesToBeNull",
        {"column": "suspicious_text_columns"},
        ("suspicious_text_columns",),
        sv="Fritext innehåller ingen kod, länk till skript eller formel",
    ),
)

# Rules on the derived tables and across years (validated.reconciliation_facts etc.).
TABLE_RULES: tuple[Rule, ...] = (
    Rule(
        "andelar_mellan_0_och_100",
        ERROR,
        "every percentage lies within 0–100",
        "ExpectColumnValuesToBeBetween",
        {"column": "procent", "min_value": 0, "max_value": 100},
        ("figure_id", "procent"),
        sv="Andelar ligger mellan 0 och 100",
    ),
    Rule(
        "antal_hogst_namnaren",
        ERROR,
        "no count exceeds its denominator",
        "ExpectColumnPairValuesAToBeGreaterThanB",
        _pair_ge("denominator", "antal"),
        ("figure_id", "antal", "denominator"),
        sv="Inget antal överstiger sin nämnare",
    ),
)
RECONCILIATION_RULES: tuple[Rule, ...] = (
    Rule(
        "summor_stammer",
        ERROR,
        "each derived table reconciles with its denominator and with the ledger",
        "ExpectColumnPairValuesToBeEqual",
        _pair_eq("expected", "actual"),
        ("check_name", "expected", "actual"),
        sv="Tabellerna summerar till sina nämnare och till reskontran",
    ),
)
RESPONDENT_RULES: tuple[Rule, ...] = (
    Rule(
        "tabell1_regel",
        WARNING,
        "Tabell 1 counts a municipality with less than 0.5 % unused as having used the "
        "whole grant; its raw amounts show a small unused sum",
        "ExpectColumnValuesToBeNull",
        {"column": "tabell1_avvikelse"},
        ("oanvant", "rekvirerat"),
        MONEY,
        sv="Tabell 1 räknar under 0,5 procent oanvänt som hela bidraget använt",
    ),
)
YEAR_OVER_YEAR_RULES: tuple[Rule, ...] = (
    Rule(
        "rimlig_forandring",
        WARNING,
        "persons reached change by at most a factor 4 from the previous year",
        "ExpectColumnValuesToBeBetween",
        {"column": "kvot", "min_value": 0.25, "max_value": 4.0},
        ("antal_personer", "antal_personer_fjol"),
        {"antal_personer": "5. Antal personer", "antal_personer_fjol": "föregående år"},
        sv="Antalet personer ändras högst fyrfaldigt från föregående år",
    ),
)


# How the published report names each rule (Swedish), by id.
RULES_SV: dict[str, str] = {
    rule.id: rule.sv
    for rule in (
        *SUBMISSION_RULES,
        *TABLE_RULES,
        *RECONCILIATION_RULES,
        *RESPONDENT_RULES,
        *YEAR_OVER_YEAR_RULES,
    )
}


def expectation(rule: Rule) -> Callable[..., Any]:
    """The Great Expectations expectation object of a rule (GE imported lazily: ~6 s)."""
    import great_expectations as gx

    cls = getattr(gx.expectations, rule.expectation)
    return cls(**rule.kwargs, meta={"rule": rule.id, "severity": rule.severity})
