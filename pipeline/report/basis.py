"""Which figures rest on real data and which on the synthetic answers."""

from __future__ import annotations

from pipeline.config import RAW_DIR
from pipeline.tables.spec import TableSpec

# Row labels of text figures that rest on the real money figures when the year's money is
# real (the rest rest on the answers, which are synthetic).
MONEY_TEXT = {
    "anslag_kr",
    "anslag_mkr",
    "mottagare",
    "rekvirerat_kr",
    "rekvirerat_mkr",
    "rekvirerat_andel_av_anslag",
    "ej_rekvirerat_kr",
    "ej_rekvirerat_mkr",
    "anvant_kr",
    "anvant_andel",
    "oanvant_kr",
    "oanvant_mkr",
    "oanvant_andel",
    "anvant_helt_eller_delvis",
    "kommuner_aterbetalar",
    "kommuner_aterbetalar_allt",
    "aterbetalas_statskassan_kr",
    "region_hogst_andel",
    "region_lagst_andel",
    "foregaende_ar_mottagare",
}
# Judgements (sql/tables/bedomningar.sql) that rest on a money figure.
MONEY_JUDGEMENTS = {"oanvant_andel_jamfort", "region_hogst", "region_lagst", "region_alla"}
REAL_FACTS = {
    "bidragsar",
    "foregaende_bidragsar",
    "rekvisition_sista_dag",
    "anvandning_fran",
    "anvandning_till",
    "redovisning_regeringen",
}


def money_is_real(year: int) -> bool:
    """Per-municipality money is real for years whose follow-up published it."""
    return (RAW_DIR / "published" / str(year) / "bilaga1_tabell1.csv").exists()


def is_synthetic(spec: TableSpec, row_id: str, year: int) -> bool:
    if spec.basis == "answers":
        return True
    if spec.id == "rapportdata":
        return row_id not in REAL_FACTS
    if spec.id == "text":
        return not (row_id in MONEY_TEXT and money_is_real(year))
    if spec.id == "bedomningar":
        return not (row_id in MONEY_JUDGEMENTS and money_is_real(year))
    return not money_is_real(year)
