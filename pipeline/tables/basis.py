"""Which figures rest on real data and which on the synthetic answers: one rule, read from
each table's definition (sql/tables/<id>.toml: `basis`, `real_with_money`, `real_rows`)
and used by the report, the workbook, the trace pages, the lineage and the command line."""

from __future__ import annotations

from pipeline.config import raw_dir
from pipeline.tables.spec import TableSpec


def money_is_real(year: int) -> bool:
    """Per-municipality money is real for years whose follow-up published it."""
    return (raw_dir() / "published" / str(year) / "bilaga1_tabell1.csv").exists()


def is_synthetic(spec: TableSpec, row_id: str, year: int) -> bool:
    """A figure rests on synthetic answers unless its table says otherwise: rows that are
    facts of the grant (`real_rows`), rows that rest on the money (`real_with_money`, in a
    `mixed` table) in a year whose money is real, or a money table in such a year."""
    if row_id in spec.real_rows:
        return False
    if spec.basis == "answers":
        return True
    if spec.basis == "mixed":
        return not (row_id in spec.real_with_money and money_is_real(year))
    return not money_is_real(year)
