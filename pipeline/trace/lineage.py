"""A figure recomputed from its lineage rows alone (the reviewer's check): a second
implementation, in Python, of the aggregations sql/tables/_figures.sql makes the figures
with."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.numbers import round_half_up


def recompute(rows: Iterable[dict], aggregation: str | None) -> float | None:
    """A figure from its lineage rows alone, by its aggregation (tables.cells names it; a
    judgement's rows are those of the figure it rests on, whose aggregation they carry).
    A figure without rows is what its aggregation makes of nothing (a count of 0)."""
    rows = list(rows)
    if aggregation in ("judgement", None):  # None: a year derived before cells named it
        if not rows:
            return None
        aggregation = rows[0]["aggregation"]
    num = [r["contribution"] for r in rows if r["role"] in ("numerator", "value")]
    den = [r["contribution"] for r in rows if r["role"] == "denominator"]
    return from_sums(aggregation, len(num), sql_sum(num), sql_max(num), sql_sum(den))


def sql_sum(values: list[float | None]) -> float | None:
    """A sum as SQL makes it: blanks left out, none when nothing is left."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def sql_max(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def from_sums(
    aggregation: str,
    count: int,
    total: float | None,
    largest: float | None,
    denominator: float | None,
) -> float | None:
    """A figure from the sums of its rows: numerator (and value) rows' count, sum and
    largest contribution, and the denominator rows' sum (a sum is None when every amount
    is blank). As the SQL macro figure_value: a share (or rate) of no rows is 0, of blank
    amounts none; a sum of no rows or of blanks is none; a share of nobody is none."""
    if aggregation == "count":
        return float(count)
    if aggregation in ("share", "per1000"):
        part = 0 if count == 0 else total
        if not denominator or denominator < 0 or part is None:
            return None
        if aggregation == "share":
            return float(round_half_up(100 * part / denominator))
        return float(round_half_up(1000 * part / denominator, 1))
    if aggregation not in ("sum", "max", "mkr", "round1000"):
        raise ValueError(f"unknown aggregation {aggregation!r}")
    value = largest if aggregation == "max" else total
    if value is None:
        return None
    if aggregation == "mkr":
        return float(round_half_up(value / 1_000_000, 1))
    if aggregation == "round1000":
        return float(round_half_up(value, -3))
    return float(value)
