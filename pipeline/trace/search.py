"""The search of the trace, small at any scale: entries (a figure or a municipality: id,
label, page) are split by the first letters of their id and of their label into shards of
at most SHARD_SIZE entries, each a small script the index page loads only when a search
needs it (scripts load from a local folder too, where fetch() does not). The index page
holds only the list of shard prefixes."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

SHARD_SIZE = 2000  # entries per shard, at most (unless they share their whole key)
FIRST_PREFIX = 2  # the shortest search that looks anything up


def search_keys(entry: dict) -> set[str]:
    """What an entry is found by: the start of its id or of its label, in lower case."""
    return {entry["id"].lower(), entry["label"].lower()}


def shard(entries: list[dict], size: int = SHARD_SIZE) -> dict[str, list[dict]]:
    """Entries by the shortest key prefix (FIRST_PREFIX characters or more) under which at
    most `size` of them fall; an entry is in the shard of each of its keys."""
    keyed = [(key, e) for e in entries for key in sorted(search_keys(e))]
    shards: dict[str, list[dict]] = {}
    pending = [(FIRST_PREFIX, keyed)]
    while pending:
        length, group = pending.pop()
        by_prefix: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        for key, entry in group:
            by_prefix[key[:length]].append((key, entry))
        for prefix, members in by_prefix.items():
            splittable = any(len(key) > length for key, _ in members)
            if len(members) > size and splittable:
                pending.append((length + 1, members))
            else:
                unique = {id(e): e for _, e in members}  # an entry once per shard
                shards[prefix] = list(unique.values())
    return shards


def shard_file(prefix: str) -> str:
    """A shard's file name: its prefix as hex, safe for any letter."""
    return f"sok-{prefix.encode('utf-8').hex()}.js"


def write_search(entries: list[dict], folder: Path) -> list[str]:
    """Write the shards into `folder`; return their prefixes (the index page's manifest)."""
    shards = shard(entries)
    for prefix, members in shards.items():
        payload = json.dumps(members, ensure_ascii=False, separators=(",", ":"))
        script = f"sokDel({json.dumps(prefix, ensure_ascii=False)},{payload});\n"
        (folder / shard_file(prefix)).write_text(script.replace("</", "<\\/"), encoding="utf-8")
    return sorted(shards)
