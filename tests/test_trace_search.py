"""The trace's split search: whatever is typed, the part of the index the page loads
holds every entry that starts with it, and no part is large."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.trace.search import shard

words = st.text(alphabet="abcåäö01 .", min_size=1, max_size=12)
entries = st.lists(st.tuples(words, words), min_size=1, max_size=300).map(
    lambda pairs: [{"id": i, "label": label, "page": f"p{n}"} for n, (i, label) in enumerate(pairs)]
)


def search_keys(entry: dict) -> set[str]:
    return {entry["id"].lower(), entry["label"].lower()}


def parts_of(entries: list[dict], size: int) -> dict[str, list[dict]]:
    return {p: f.to_dicts() for p, f in shard(pl.DataFrame(entries), size).items()}


def lookup(parts: dict[str, list[dict]], query: str) -> tuple[list[dict], bool]:
    """What the index page does (sparbarhet.html.j2): the longest part prefix the query
    starts with, its matching entries, and whether longer prefixes hold more."""
    q = query.lower()
    candidates = sorted((p for p in parts if q.startswith(p)), key=len, reverse=True)
    part = candidates[0] if candidates else None
    longer = any(p != part and p.startswith(q) for p in parts)
    if part is None:
        return [], longer
    hits = [e for e in parts[part] if any(k.startswith(q) for k in search_keys(e))]
    return hits, longer


@settings(max_examples=200, deadline=None)
@given(entries=entries, size=st.integers(min_value=1, max_value=40))
def test_every_entry_is_found_by_the_start_of_its_id_or_label(entries, size):
    parts = parts_of(entries, size)
    for e in entries:
        for key in search_keys(e):
            for n in range(2, len(key) + 1):
                hits, longer = lookup(parts, key[:n])
                # found, or the page asks for more letters where a longer part holds it
                assert e in hits or longer, (key[:n], e)
            assert e in lookup(parts, key)[0]  # the whole key always finds it
    for members in parts.values():  # an entry is in a part once
        assert len({m["page"] for m in members}) == len(members)


@settings(max_examples=50, deadline=None)
@given(entries=entries, size=st.integers(min_value=2, max_value=40))
def test_parts_stay_small_unless_their_entries_share_a_whole_key(entries, size):
    for prefix, members in parts_of(entries, size).items():
        if len(members) > size:  # only a key that cannot be split further makes a large part
            assert all(prefix in search_keys(e) for e in members), prefix
