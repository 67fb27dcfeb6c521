"""Where every loaded row came from: file, the file's SHA-256, row number, load time."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipeline.config import RAW_DIR, ROOT

PROVENANCE_COLUMNS = ["source_file", "source_sha256", "source_row", "loaded_at"]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def display_path(path: Path) -> str:
    """The path as a reviewer reads it: "raw/returns/2024/…" wherever raw/ is placed (so
    that the same inputs give the same outputs), else relative to the repository."""
    path = path.resolve()
    for base in (RAW_DIR.parent, ROOT):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def with_provenance(df: pl.DataFrame, path: Path, first_row: int = 2) -> pl.DataFrame:
    """Append provenance columns; ``source_row`` is the row number as a spreadsheet shows it
    (the header is row 1, so the first data row of a CSV is row 2)."""
    return df.with_columns(
        source_file=pl.lit(display_path(path)),
        source_sha256=pl.lit(sha256_of(path)),
        source_row=pl.int_range(first_row, first_row + df.height, dtype=pl.Int32),
        loaded_at=pl.lit(datetime.now(UTC).replace(microsecond=0)),
    )
