"""The search of the trace, small at any scale: entries (a figure or a municipality: id,
label, page) are split by the first letters of their id and of their label into parts of at
most PART_SIZE entries, each a small script the index page loads only when a search needs
it (scripts load from a local folder too, where fetch() does not). The index page holds
only the list of part prefixes. Computed column-wise in Polars: at 1000× the
municipalities there are two million entries."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

PART_SIZE = 2000  # entries per part, at most (unless they share their whole key)
FIRST_PREFIX = 2  # the shortest search that looks anything up


def keyed(entries: pl.DataFrame) -> pl.DataFrame:
    """One row per entry and key (the entry's row number only: the texts stay in
    `entries`): an entry is found by the start of its id or of its label, in lower case."""
    return entries.select(
        entry=pl.int_range(pl.len(), dtype=pl.UInt32),
        key=pl.concat_list(
            pl.col("id").str.to_lowercase(), pl.col("label").str.to_lowercase()
        ).list.unique(),
    ).explode("key")


def placements(entries: pl.DataFrame, size: int = PART_SIZE) -> pl.DataFrame:
    """(prefix, entry) for every entry: the shortest key prefix (FIRST_PREFIX characters or
    more) under which at most `size` entries fall; an entry is in the part of each of its
    keys (once)."""
    pending, length, parts = keyed(entries), FIRST_PREFIX, []
    while pending.height:
        prefix = pl.col("key").str.slice(0, length)
        split = (  # prefixes with too many entries, whose keys go on
            pending.lazy()
            .group_by(prefix.alias("prefix"))
            .agg(n=pl.len(), longer=(pl.col("key").str.len_chars() > length).any())
            .filter((pl.col("n") > size) & pl.col("longer"))
            .collect()["prefix"]
        )
        goes_on = prefix.is_in(split.implode())
        parts.append(pending.filter(~goes_on).select(prefix.alias("prefix"), "entry"))
        pending = pending.filter(goes_on)
        length += 1
    return pl.concat(parts).unique().sort("prefix", "entry")


def shard(entries: pl.DataFrame, size: int = PART_SIZE) -> dict[str, pl.DataFrame]:
    """The parts: prefix → its entries (id, label, page), in the entries' order."""
    return dict(parts_of(entries, placements(entries, size)))


def parts_of(entries: pl.DataFrame, placed: pl.DataFrame):
    """Each part in turn, gathered from `entries` by row number (one part in memory)."""
    prefixes = placed["prefix"]
    bounds = prefixes.rle()  # placed is sorted: each prefix is one run of rows
    start = 0
    for length, prefix in zip(
        bounds.struct.field("len"), bounds.struct.field("value"), strict=True
    ):
        rows = placed["entry"].slice(start, length)
        yield prefix, entries[rows.to_list()].select("id", "label", "page")
        start += length


def part_file(prefix: str) -> str:
    """A part's file name: its prefix as hex, safe for any letter."""
    return f"sok-{prefix.encode('utf-8').hex()}.js"


def write_search(entries: pl.DataFrame, folder: Path) -> list[str]:
    """Write the parts into `folder`; return their prefixes (the index page's list)."""
    prefixes = []
    for prefix, members in parts_of(entries, placements(entries)):
        prefixes.append(prefix)
        payload = json.dumps(members.to_dicts(), ensure_ascii=False, separators=(",", ":"))
        script = f"sokDel({json.dumps(prefix, ensure_ascii=False)},{payload});\n"
        (folder / part_file(prefix)).write_text(script.replace("</", "<\\/"), encoding="utf-8")
    return prefixes
