"""Exact-count allocation: who ticks what, so that each option gets its published count."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def weighted_sample(
    rng: np.random.Generator, items: Sequence[str], weights: np.ndarray, k: int
) -> list[str]:
    """k distinct items, more likely the heavier ones."""
    if k > len(items):
        raise ValueError(f"cannot pick {k} of {len(items)}")
    if k == 0:
        return []
    p = np.asarray(weights, dtype=float)
    p = p / p.sum()
    idx = rng.choice(len(items), size=k, replace=False, p=p)
    return [items[i] for i in sorted(idx)]


def single_choice(
    rng: np.random.Generator,
    units: Sequence[str],
    score: dict[str, float],
    counts: dict[str, int],
    noise: float = 1.0,
) -> dict[str, str]:
    """Give each unit one option, exactly counts[option] times.

    Options are listed best first; units with a higher score (plus noise) get the
    earlier options, so that answers hang together with the rest of a unit's profile.
    """
    if sum(counts.values()) != len(units):
        raise ValueError(f"counts sum to {sum(counts.values())}, there are {len(units)} units")
    noisy = {u: score[u] + rng.normal(0, noise) for u in units}
    ordered = sorted(units, key=lambda u: -noisy[u])
    out, i = {}, 0
    for option, n in counts.items():
        for u in ordered[i : i + n]:
            out[u] = option
        i += n
    return out


def multiple_choice(
    rng: np.random.Generator,
    units: Sequence[str],
    score: dict[str, float],
    counts: dict[str, int],
    exclusive: str | None = None,
) -> dict[str, set[str]]:
    """Tick options so that option j is ticked by exactly counts[j] units.

    The exclusive option (if any) goes to units with the lowest scores and excludes every
    other option; every other unit ticks at least one option.
    """
    units = list(units)
    ticks: dict[str, set[str]] = {u: set() for u in units}
    rest = units
    if exclusive is not None:
        w = np.exp(-np.array([score[u] for u in units]))
        for u in weighted_sample(rng, units, w, counts[exclusive]):
            ticks[u].add(exclusive)
        rest = [u for u in units if not ticks[u]]
    options = {o: n for o, n in counts.items() if o != exclusive}
    if rest and sum(options.values()) < len(rest):
        raise ValueError(f"{sum(options.values())} ticks cannot cover {len(rest)} units")
    if any(n > len(rest) for n in options.values()):
        raise ValueError(f"an option count exceeds the {len(rest)} units that may tick it")
    # 1. Coverage: each remaining unit gets one option, drawn by remaining capacity.
    capacity = dict(options)
    for u in rng.permutation(rest):
        names = [o for o, c in capacity.items() if c > 0]
        p = np.array([capacity[o] for o in names], dtype=float)
        choice = names[rng.choice(len(names), p=p / p.sum())]
        ticks[u].add(choice)
        capacity[choice] -= 1
    # 2. Fill each option up to its count, preferring units with a higher score.
    for option, missing in capacity.items():
        pool = [u for u in rest if option not in ticks[u]]
        w = np.exp(np.array([score[u] for u in pool]))
        for u in weighted_sample(rng, pool, w, missing):
            ticks[u].add(option)
    return ticks


def split_total(
    rng: np.random.Generator, weights: dict[str, float], total: int, minimum: int = 0
) -> dict[str, int]:
    """Whole numbers proportional to weights that sum exactly to total (largest remainder)."""
    keys = list(weights)
    w = np.array([weights[k] for k in keys], dtype=float)
    base = minimum * len(keys)
    if base > total:
        raise ValueError("total too small for the minimum")
    raw = w / w.sum() * (total - base)
    whole = np.floor(raw).astype(int)
    short = (total - base) - whole.sum()
    order = np.argsort(-(raw - whole) + rng.uniform(0, 1e-9, len(keys)))
    whole[order[:short]] += 1
    return {k: int(v) + minimum for k, v in zip(keys, whole, strict=True)}
