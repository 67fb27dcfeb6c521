"""Table definitions: sql/tables/<id>.toml, each naming its SQL, population and labels."""

from __future__ import annotations

import graphlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline.config import SQL_DIR

TABLES_DIR = SQL_DIR / "tables"


@dataclass(frozen=True)
class Part:
    """One run of the table's SQL: its parameters and, optionally, the label of its rows."""

    params: dict[str, str] = field(hash=False)
    label: str | None = None


@dataclass(frozen=True)
class TableSpec:
    id: str
    number: str
    position: int  # its place in the follow-up (and the workbook, figures.csv)
    title: str
    # sql/tables/<sql>.sql: the figures and the source rows each is made of (a judgement
    # names the figure whose rows it shares); shared SQL starts with "_"
    sql: str
    population: str
    population_label: str
    basis: str  # money | answers | mixed: whether 2024 values rest on real data
    source: str
    columns: dict[str, str] = field(hash=False)
    rows: dict[str, str] = field(default_factory=dict, hash=False)
    parts: tuple[Part, ...] = ()
    years: tuple[int, ...] = (0,)
    note: str = ""
    beyond_published: bool = False
    # the tables whose figures its SQL reads (from current_cells): it is derived after them
    reads: tuple[str, ...] = ()
    printed: bool = True  # False: only quoted in the running text, not printed as a table
    row_header: str = ""  # the header of the label column ("Svarsalternativ", "Region")
    real_with_money: tuple[str, ...] = ()  # rows real when the year's money is (basis mixed)
    real_rows: tuple[str, ...] = ()  # rows real in every year (facts of the grant)
    rows_are_years: bool = False  # each row is a grant year (its source names them all)
    kronor_shares: tuple[str, ...] = ()  # columns whose share is of kronor: no "n =" header
    sheet: str = ""  # the workbook's sheet name where the number is not one ("Text")
    in_workbook: bool = True
    # Its chart, if any: id, title, kind (pipeline/report/charts.py) and the kind's options.
    chart: dict = field(default_factory=dict, hash=False)

    @property
    def sheet_name(self) -> str:
        """The table's sheet in the workbook: Excel allows 31 characters, none of []:*?/\\."""
        return re.sub(r"[\[\]:*?/\\]", "", self.sheet or self.number)[:31]

    @property
    def sql_file(self) -> Path:
        return TABLES_DIR / f"{self.sql}.sql"

    def sql_text(self) -> str:
        return self.sql_file.read_text(encoding="utf-8")

    def source_text(self, years: list[int]) -> str:
        listed = " och ".join(filter(None, [", ".join(map(str, years[:-1])), str(years[-1])]))
        return self.source.format(year=years[-1], years=listed)


def load_spec(path: Path) -> TableSpec:
    with path.open("rb") as f:
        raw = tomllib.load(f)
    params = raw.pop("params", None)
    parts = raw.pop("parts", None)
    if parts:
        parsed = tuple(
            Part({k: v for k, v in p.items() if k != "label"}, p.get("label")) for p in parts
        )
    else:
        parsed = (Part(params or {}),)
    raw["years"] = tuple(raw.get("years", (0,)))
    for key in ("real_with_money", "real_rows", "kronor_shares", "reads"):
        raw[key] = tuple(raw.get(key, ()))
    spec = TableSpec(**raw, parts=parsed)
    if spec.id != path.stem:
        raise ValueError(f"{path}: id {spec.id!r} differs from the file name")
    return spec


@cache
def table_specs() -> tuple[TableSpec, ...]:
    """Every table definition, in the follow-up's order (each TOML's `position`)."""
    specs = sorted((load_spec(p) for p in TABLES_DIR.glob("*.toml")), key=lambda s: s.position)
    positions = [s.position for s in specs]
    if len(set(positions)) != len(positions):
        raise ValueError(f"two tables share a position in {TABLES_DIR}: {positions}")
    return tuple(specs)


def derivation_order() -> list[TableSpec]:
    """Every table after the tables it reads, otherwise in the follow-up's order."""
    specs = {spec.id: spec for spec in table_specs()}
    unknown = {r for spec in specs.values() for r in spec.reads} - set(specs)
    if unknown:
        raise ValueError(f"tables read but not defined in {TABLES_DIR}: {sorted(unknown)}")
    graph = graphlib.TopologicalSorter({spec.id: spec.reads for spec in specs.values()})
    graph.prepare()  # raises CycleError when two tables read each other
    order: list[TableSpec] = []
    while graph.is_active():
        for table_id in sorted(graph.get_ready(), key=lambda t: specs[t].position):
            order.append(specs[table_id])
            graph.done(table_id)
    return order


def table_spec(table_id: str) -> TableSpec:
    for spec in table_specs():
        if spec.id == table_id:
            return spec
    raise KeyError(table_id)
