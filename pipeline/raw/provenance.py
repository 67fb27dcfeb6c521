"""Where every loaded row came from: file, the file's SHA-256, row number, load time.

Nothing outside raw/ is ever read: a symbolic link is described by where it points, never
followed, and a name that is not valid UTF-8 is shown with its bytes escaped.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipeline.config import ROOT, raw_dir

PROVENANCE_COLUMNS = ["source_file", "source_sha256", "source_row", "loaded_at"]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_of(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


def entry_digest(path: Path) -> str:
    """A digest of what a folder entry is now, without following a link or failing: a
    file's content, a link's target text, a folder's names, an unreadable file's error."""
    try:
        if path.is_symlink():
            return sha256_bytes(b"symlink:" + os.fsencode(os.readlink(path)))
        if path.is_dir():
            names = sorted(os.fsencode(p.name) for p in path.iterdir())
            return sha256_bytes(b"folder:" + b"\0".join(names))
        return sha256_of(path)
    except OSError as e:
        return sha256_bytes(f"unreadable:{e.errno}".encode())


def readable_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 shown escaped (\\xf6)."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def display_path(path: Path) -> str:
    """The path as a reviewer reads it: "raw/returns/2024/…" wherever raw/ is placed (so
    that the same inputs give the same outputs), else relative to the repository. The last
    part is never resolved: a link is shown where it lies, not where it points."""
    path = path.parent.resolve() / path.name
    for base in (raw_dir().parent, ROOT):
        try:
            return readable_name(path.relative_to(base).as_posix())
        except ValueError:
            continue
    return readable_name(path.as_posix())


def with_provenance(df: pl.DataFrame, path: Path, first_row: int = 2) -> pl.DataFrame:
    """Append provenance columns; ``source_row`` is the row number as a spreadsheet shows it
    (the header is row 1, so the first data row of a CSV is row 2)."""
    return df.with_columns(
        source_file=pl.lit(display_path(path)),
        source_sha256=pl.lit(sha256_of(path)),
        source_row=pl.int_range(first_row, first_row + df.height, dtype=pl.Int32),
        loaded_at=pl.lit(datetime.now(UTC).replace(microsecond=0)),
    )
