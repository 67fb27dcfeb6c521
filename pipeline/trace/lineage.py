"""A figure recomputed from its lineage rows alone (the reviewer's check): a second
implementation, in Python, of the aggregations sql/tables/_figures.sql makes the figures
with."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.numbers import round_half_up


def recompute(rows: Iterable[dict], aggregation: str) -> float | None:
    """A figure from its lineage rows alone, by its aggregation (tables.cells names it; a
    judgement's rows are those of the figure it rests on, whose aggregation they carry).
    A figure without rows is what its aggregation makes of nothing (a count of 0)."""
    rows = list(rows)
    if aggregation == "judgement":
        if not rows:
            return None
        aggregation = rows[0]["aggregation"]
    num = [r["contribution"] for r in rows if r["role"] in ("numerator", "value")]
    den = [r["contribution"] for r in rows if r["role"] == "denominator"]
    return from_sums(aggregation, len(num), sum(num), max(num, default=0), sum(den))


def from_sums(
    aggregation: str, count: int, total: float, largest: float, denominator: float
) -> float | None:
    """A figure from the sums of its rows: numerator (and value) rows' count, sum and
    largest contribution, and the denominator rows' sum. As the SQL macro figure_value:
    a sum (or largest, or rounding) of no rows is no value, a share of nobody is 0 %."""
    if aggregation == "count":
        return float(count)
    if aggregation in ("share", "per1000"):
        if not denominator:
            return None
        if aggregation == "share":
            return float(round_half_up(100 * total / denominator))
        return float(round_half_up(1000 * total / denominator, 1))
    if not count:
        return None
    match aggregation:
        case "sum":
            return float(total)
        case "max":
            return float(largest)
        case "mkr":
            return float(round_half_up(total / 1_000_000, 1))
        case "round1000":
            return float(round_half_up(total, -3))
    raise ValueError(f"unknown aggregation {aggregation!r}")
