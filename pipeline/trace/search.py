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
    """One row per entry and key: an entry is found by the start of its id or of its
    label, in lower case."""
    return (
        entries.with_row_index("entry")
        .with_columns(
            key=pl.concat_list(
                pl.col("id").str.to_lowercase(), pl.col("label").str.to_lowercase()
            ).list.unique()
        )
        .explode("key")
    )


def shard(entries: pl.DataFrame, size: int = PART_SIZE) -> dict[str, pl.DataFrame]:
    """Entries by the shortest key prefix (FIRST_PREFIX characters or more) under which at
    most `size` of them fall; an entry is in the part of each of its keys (once)."""
    pending, length, parts = keyed(entries), FIRST_PREFIX, []
    while pending.height:
        grouped = pending.with_columns(prefix=pl.col("key").str.slice(0, length))
        stats = grouped.group_by("prefix").agg(
            n=pl.col("entry").n_unique(), longer=(pl.col("key").str.len_chars() > length).any()
        )
        split = stats.filter((pl.col("n") > size) & pl.col("longer")).select("prefix")
        parts.append(grouped.join(split, on="prefix", how="anti"))
        pending = grouped.join(split, on="prefix", how="semi").drop("prefix")
        length += 1
    placed = pl.concat(parts).unique(["prefix", "entry"]).sort("prefix", "entry")
    return {
        prefix: group.select("id", "label", "page")
        for (prefix,), group in placed.partition_by("prefix", as_dict=True).items()
    }


def part_file(prefix: str) -> str:
    """A part's file name: its prefix as hex, safe for any letter."""
    return f"sok-{prefix.encode('utf-8').hex()}.js"


def write_search(entries: pl.DataFrame, folder: Path) -> list[str]:
    """Write the parts into `folder`; return their prefixes (the index page's list)."""
    parts = shard(entries)
    for prefix, members in parts.items():
        payload = json.dumps(members.to_dicts(), ensure_ascii=False, separators=(",", ":"))
        script = f"sokDel({json.dumps(prefix, ensure_ascii=False)},{payload});\n"
        (folder / part_file(prefix)).write_text(script.replace("</", "<\\/"), encoding="utf-8")
    return sorted(parts)
