"""The search of the trace, small at any scale: entries (a figure or a municipality: id,
label, page) are split by the first letters of their id and of their label into parts of at
most PART_SIZE entries, each a small script the index page loads only when a search needs
it (scripts load from a local folder too, where fetch() does not). The index page holds
only the list of part prefixes. The placement runs in DuckDB within a memory limit: at
1000× the municipalities there are two million entries."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import duckdb
import polars as pl

PART_SIZE = 2000  # entries per part, at most (unless they share their whole key)
FIRST_PREFIX = 2  # the shortest search that looks anything up


PLACEMENT_MEMORY = "256MB"  # DuckDB's limit for the placement (it spills beyond)


def placements(entries: pl.DataFrame, size: int = PART_SIZE) -> pl.DataFrame:
    """(prefix, entry) for every entry (its row number): the shortest key prefix
    (FIRST_PREFIX characters or more) under which at most `size` keys fall; an entry is
    found by the start of its id or of its label, in lower case, and is in the part of each
    of its keys (once). Computed by DuckDB in a connection of its own, within
    PLACEMENT_MEMORY: at 1000× the municipalities there are four million keys."""
    with tempfile.TemporaryDirectory() as spill:
        con = duckdb.connect(config={"memory_limit": PLACEMENT_MEMORY, "temp_directory": spill})
        con.execute("SET enable_progress_bar = false")
        con.register("entries", entries.select("id", "label").with_row_index("entry"))
        con.execute(
            """CREATE TEMP TABLE pending AS
               SELECT DISTINCT entry, key FROM (
                   SELECT entry, lower(id) AS key FROM entries
                   UNION ALL SELECT entry, lower(label) FROM entries)"""
        )
        con.unregister("entries")
        con.execute("CREATE TEMP TABLE placed (prefix VARCHAR, entry UBIGINT)")
        length = FIRST_PREFIX
        while con.execute("SELECT count(*) FROM pending").fetchall()[0][0]:
            con.execute(  # prefixes with too many keys, whose keys go on
                """CREATE OR REPLACE TEMP TABLE split AS
                   SELECT left(key, $n) AS prefix FROM pending GROUP BY 1
                   HAVING count(*) > $size AND max(length(key)) > $n""",
                {"n": length, "size": size},
            )
            con.execute(
                """INSERT INTO placed SELECT DISTINCT left(key, $n), entry FROM pending
                   WHERE left(key, $n) NOT IN (SELECT prefix FROM split)""",
                {"n": length},
            )
            con.execute(
                """CREATE OR REPLACE TEMP TABLE pending AS SELECT * FROM pending
                   WHERE left(key, $n) IN (SELECT prefix FROM split)""",
                {"n": length},
            )
            length += 1
        placed = con.sql("SELECT DISTINCT * FROM placed ORDER BY prefix, entry").pl()
        con.close()
    return placed


def shard(entries: pl.DataFrame, size: int = PART_SIZE) -> dict[str, pl.DataFrame]:
    """The parts: prefix → its entries (id, label, page), in the entries' order."""
    return dict(parts_of(entries, placements(entries, size)))


def parts_of(entries: pl.DataFrame, placed: pl.DataFrame):
    """Each part in turn, gathered from `entries` by row number (one part in memory)."""
    for (prefix,), part in placed.group_by("prefix", maintain_order=True):
        yield prefix, entries[part["entry"].to_list()].select("id", "label", "page")


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
