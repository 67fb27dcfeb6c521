"""Rounding as the published report prints it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float | Decimal, digits: int = 0) -> int | Decimal:
    """Round half away from zero, as printed percentages are (12.5 -> 13, not 12)."""
    quantum = Decimal(1).scaleb(-digits)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else rounded
