"""A figure recomputed from its lineage rows alone (the reviewer's check): a second
implementation, in Python, of the aggregations sql/tables/_figures.sql makes the figures
with."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.numbers import round_half_up


def recompute(rows: Iterable[dict]) -> float | None:
    """A figure from its lineage rows alone."""
    rows = list(rows)
    if not rows:
        return None
    num = [r["contribution"] for r in rows if r["role"] in ("numerator", "value")]
    den = [r["contribution"] for r in rows if r["role"] == "denominator"]
    return from_sums(rows[0]["aggregation"], len(num), sum(num), max(num, default=0), sum(den))


def from_sums(
    aggregation: str, count: int, total: float, largest: float, denominator: float
) -> float | None:
    """A figure from the sums of its rows: numerator (and value) rows' count, sum and
    largest contribution, and the denominator rows' sum."""
    match aggregation:
        case "count":
            return float(count)
        case "sum":
            return float(total)
        case "max":
            return float(largest)
        case "share":
            return float(round_half_up(100 * total / denominator)) if denominator else None
        case "mkr":
            return float(round_half_up(total / 1_000_000, 1))
        case "round1000":
            return float(round(total, -3))
        case "per1000":
            return float(round_half_up(1000 * total / denominator, 1)) if denominator else None
    raise ValueError(f"unknown aggregation {aggregation!r}")
