"""Charts with plotnine, drawn from the derived tables before the render. Each chart has
alt text written from its data."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import textwrap
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import polars as pl
from plotnine import (
    aes,
    coord_equal,
    coord_flip,
    element_blank,
    element_text,
    geom_col,
    geom_label,
    geom_polygon,
    geom_text,
    ggplot,
    labs,
    position_dodge,
    scale_fill_gradient,
    scale_fill_manual,
    scale_y_continuous,
    theme,
    theme_minimal,
)

from pipeline.config import ASSETS_DIR
from pipeline.freshness import code_version
from pipeline.swedish import in_table, in_text
from pipeline.tables.spec import TableSpec, table_specs

# Every fill at least 3:1 against the white page (WCAG 1.4.11), and the two series of a
# grouped chart 3.1:1 against each other: dark blue and orange, not two blues.
BLUE, DARK, ORANGE = "#2b6c9e", "#123a5a", "#c8691c"
MAP_LOW, MAP_HIGH = "#6f9bc2", DARK  # the map's lightest region is 3:1 against white too
GEOJSON = ASSETS_DIR / "geo" / "lan_sweref99tm.geojson"
BASE = theme_minimal(base_size=10) + theme(
    panel_grid_major_y=element_blank(),
    panel_grid_minor=element_blank(),
    axis_title=element_text(size=9),
    plot_title=element_text(size=11, weight="bold"),
    legend_position="bottom",
    legend_title=element_text(size=9),
    figure_size=(6.5, 3.2),
)


@dataclass(frozen=True)
class Chart:
    id: str
    table_id: str
    title: str
    draw: Callable[[pl.DataFrame, str], tuple[ggplot, str]]  # → plot, alt text


def png_aspect(path: Path) -> float:
    """Height over width of a PNG, from its header: the PDF sizes a tall chart (the maps)
    by it so that it fits on a page with its caption."""
    header = path.read_bytes()[16:24]
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
    return round(height / width, 4)


def wrap(label: str, width: int = 42) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _ordered(labels: list[str]) -> pd.Categorical:
    return pd.Categorical(labels, categories=list(dict.fromkeys(reversed(labels))), ordered=True)


def described(chart: str, values: Iterable[str]) -> str:
    """A chart's alt text: what it is, then every value it shows."""
    return f"{chart}: " + "; ".join(values) + "."


def horizontal_bars(
    rows: pl.DataFrame, title: str, axis: tuple[str, str], value_text: Callable, width: int
) -> tuple[ggplot, str]:
    """One horizontal bar per row with its value printed beside it, and the alt text that
    lists them: `axis` names the rows and the values (with the n, as the table does)."""
    labels = [wrap(r, width) for r in rows["row_label"]]
    lines = sum(label.count("\n") + 1 for label in labels)
    df = pd.DataFrame(
        {
            "label": _ordered(labels),
            "value": rows["value"].to_list(),
            "text": [value_text(v) for v in rows["value"]],
        }
    )
    shares = rows["col_id"][0].startswith("andel")
    n = rows["denominator"][0]
    # the scale: shares up to 100 % (room for the printed value beside), counts up to n
    limit, nudge, breaks = (110, 1.5, range(0, 101, 20)) if shares else (n * 1.1, n * 0.01, True)
    plot = (
        ggplot(df, aes("label", "value"))
        + geom_col(fill=BLUE, width=0.7)
        + geom_text(aes(label="text"), ha="left", nudge_y=nudge, size=8)
        + coord_flip()
        + scale_y_continuous(limits=(0, limit), breaks=breaks)
        + labs(x=axis[0], y=axis[1])
        + BASE
        # Room for every line of every wrapped label: no label runs into the next.
        + theme(figure_size=(6.5, max(2.2, 0.25 * len(labels) + 0.14 * lines + 0.9)))
    )
    of = f"andel av {n} kommuner" if shares else f"av {n} kommuner"
    alt = described(
        f"Liggande stapeldiagram, {title.lower()}, {of}",
        (
            f"{label} {value_text(v)}"
            for label, v in zip(rows["row_label"], rows["value"], strict=True)
        ),
    )
    return plot, alt


def share_bars(cells: pl.DataFrame, title: str) -> tuple[ggplot, str]:
    """One bar per row: the share of the population (column 'andel')."""
    rows = cells.filter(pl.col("col_id") == "andel").sort("row_order")
    n = rows["denominator"][0]
    axis = ("Svarsalternativ", f"Andel kommuner (%) (n = {n})")  # as the table header
    return horizontal_bars(rows, title, axis, lambda v: in_text(v, "procent"), 42)


def dodged_bars(
    df: pd.DataFrame, xyfill: tuple[str, str, str], colours: list[str], scale_y, labels
) -> ggplot:
    """Bars side by side per x, one per fill group, each with its value ("text") above."""
    x, y, fill = xyfill
    return (
        ggplot(df, aes(x, y, fill=fill))
        + geom_col(position=position_dodge(width=0.8), width=0.75)
        + geom_text(aes(label="text"), position=position_dodge(width=0.8), va="bottom", size=8)
        + scale_fill_manual(values=colours)
        + scale_y
        + labels
        + BASE
    )


def year_bars(cells: pl.DataFrame, title: str) -> tuple[ggplot, str]:
    """Shares per row, one bar per year (Tabell 4)."""
    rows = cells.filter(pl.col("col_id").str.starts_with("andel")).sort("row_order", "data_year")
    labels = list(dict.fromkeys(rows["row_label"]))
    df = pd.DataFrame(
        {
            "label": pd.Categorical(rows["row_label"], categories=labels),
            "year": rows["data_year"].cast(pl.String).to_list(),
            "value": rows["value"].to_list(),
            "text": [in_text(v, "procent") for v in rows["value"]],
        }
    )
    n = dict(zip(rows["data_year"].cast(pl.String), rows["denominator"], strict=False))
    years = sorted(set(df["year"]))
    df["year"] = pd.Categorical(
        [f"{y} (n = {n[y]})" for y in df["year"]], categories=[f"{y} (n = {n[y]})" for y in years]
    )
    plot = dodged_bars(
        df,
        ("label", "value", "year"),
        [ORANGE, DARK][-len(years) :],
        scale_y_continuous(limits=(0, 105), breaks=range(0, 101, 20)),
        labs(x="Svarsalternativ", y="Andel kommuner (%)", fill="Bidragsår"),
    )
    alt = described(
        f"Stapeldiagram, {title.lower()}",
        (
            f"{r['row_label']} {r['data_year']}: {in_text(r['value'], 'procent')} av "
            f"{r['denominator']}"
            for r in rows.iter_rows(named=True)
        ),
    )
    return plot, alt


def money_bars(cells: pl.DataFrame, title: str) -> tuple[ggplot, str]:
    """Requisitioned and used per grant year, in millions of kronor (Tabell 2)."""
    wide = {(r["row_id"], r["col_id"]): r["value"] for r in cells.iter_rows(named=True)}
    years = sorted({r for r, _ in wide})
    records = []
    for y in years:
        used = wide[(y, "rekvirerat")] - wide[(y, "oanvant")]
        records += [(y, "Rekvirerat", wide[(y, "rekvirerat")] / 1e6), (y, "Använt", used / 1e6)]
    df = pd.DataFrame(records, columns=["year", "kind", "mkr"])
    df["kind"] = pd.Categorical(df["kind"], categories=["Rekvirerat", "Använt"])
    df["text"] = [in_table(round(v, 1), "mkr") for v in df["mkr"]]
    plot = dodged_bars(
        df,
        ("year", "mkr", "kind"),
        [ORANGE, DARK],
        scale_y_continuous(expand=(0, 0, 0.12, 0)),  # room for the tallest bar's label
        labs(x="Bidragsår", y="Miljoner kronor", fill=""),
    )
    alt = described(
        f"Stapeldiagram, {title.lower()}",
        (
            f"{y}: rekvirerat {in_text(round(wide[(y, 'rekvirerat')] / 1e6, 1), 'mkr')}, använt "
            f"{in_text(round((wide[(y, 'rekvirerat')] - wide[(y, 'oanvant')]) / 1e6, 1), 'mkr')}"
            for y in years
        ),
    )
    return plot, alt


def count_bars(cells: pl.DataFrame, title: str) -> tuple[ggplot, str]:
    """Counts per row (Tabell 1)."""
    rows = cells.filter(pl.col("col_id") == "antal").sort("row_order")
    axis = ("Användning av bidraget", f"Antal kommuner, n = {rows['denominator'][0]}")
    return horizontal_bars(rows, title, axis, lambda v: in_table(v, "kommuner"), 30)


def county_shapes() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Polygons (one group per ring) and a label point per county, from SCB's shapes."""
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    rings, centres = [], []
    for f in features:
        code = f["properties"]["lan_kod"]
        geom = f["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        biggest = max((p[0] for p in polygons), key=len)
        for i, polygon in enumerate(polygons):
            for x, y in polygon[0]:
                rings.append((code, f"{code}-{i}", x, y))
        xs, ys = zip(*biggest, strict=True)
        centres.append((code, sum(xs) / len(xs), sum(ys) / len(ys)))
    return (
        pd.DataFrame(rings, columns=["lan_kod", "ring", "x", "y"]),
        pd.DataFrame(centres, columns=["lan_kod", "cx", "cy"]),
    )


def region_map(
    cells: pl.DataFrame,
    title: str,
    column: str,
    unit: str,
    legend: str,
    limits: tuple[float, float] | None = None,
) -> tuple[ggplot, str]:
    """A value per region on the map; `limits` fixes the colour scale (a share is always
    shown 0–100 %, so that years compare)."""
    rows = cells.filter(pl.col("col_id") == column, pl.col("row_id") != "riket")
    values = dict(zip(rows["row_id"], rows["value"], strict=True))
    names = dict(zip(rows["row_id"], rows["row_label"], strict=True))
    shapes, centres = county_shapes()
    shapes["value"] = shapes["lan_kod"].map(values)
    centres["text"] = [in_text(values.get(c), unit) for c in centres["lan_kod"]]
    plot = (
        ggplot()
        + geom_polygon(shapes, aes("x", "y", group="ring", fill="value"), color="white", size=0.2)
        + geom_label(  # on a white box: readable on the lightest and the darkest region
            centres,
            aes("cx", "cy", label="text"),
            size=6.5,
            color=DARK,
            fill="white",
            label_size=0,
            label_padding=0.12,
        )
        + scale_fill_gradient(low=MAP_LOW, high=MAP_HIGH, name=legend, limits=limits)
        + coord_equal()
        + labs(caption="Kartunderlag: SCB")
        + BASE
        + theme(
            axis_text=element_blank(),
            axis_title=element_blank(),
            panel_grid_major=element_blank(),
            figure_size=(5.0, 8.0),
            legend_position="right",
        )
    )
    ordered = rows.sort("row_order")
    alt = described(
        f"Karta över Sveriges regioner, {title.lower()}",
        (f"{names[r]} {in_text(values[r], unit)}" for r in ordered["row_id"]),
    )
    return plot, alt


# The kinds of chart a table's TOML can ask for ([chart] kind = …); a kind's options are
# the other keys of [chart] (a map: the column, its unit, the legend, fixed limits).
CHART_KINDS: dict[str, Callable[..., tuple[ggplot, str]]] = {
    "count_bars": count_bars,
    "money_bars": money_bars,
    "share_bars": share_bars,
    "year_bars": year_bars,
    "region_map": region_map,
}


def chart_of(spec: TableSpec) -> Chart:
    """A table's chart as its definition (sql/tables/<id>.toml, [chart]) describes it."""
    options = {k: v for k, v in spec.chart.items() if k not in ("id", "title", "kind")}
    if "limits" in options:
        options["limits"] = tuple(options["limits"])
    kind = CHART_KINDS[spec.chart["kind"]]
    return Chart(
        spec.chart["id"],
        spec.id,
        spec.chart["title"],
        lambda cells, title: kind(cells, title, **options),
    )


CHARTS = [chart_of(spec) for spec in table_specs() if spec.chart]


def chart_key(chart: Chart, cells: pl.DataFrame, code: str) -> str:
    """What a chart is drawn from: its cells and the code (plotnine's output for the same
    data and code is the same image)."""
    digest = hashlib.sha256(f"{chart.id}\n{code}\n".encode())
    digest.update(cells.sort("row_order", "col_order").write_csv().encode())
    return digest.hexdigest()


def draw_charts(
    cells: pl.DataFrame, out_dir: Path, cache_dir: Path | None = None
) -> dict[str, dict[str, str] | None]:
    """Draw every chart whose table exists; returns id → {path, alt, title, table_id}, or
    id → None for a chart whose table the year does not have.
    With a cache folder, a chart whose cells and code are unchanged is copied from the
    cache instead of drawn again (drawing is most of a report's build time)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    code = code_version() if cache_dir else ""
    drawn: dict[str, dict[str, str] | None] = {}
    for chart in CHARTS:
        mine = cells.filter(pl.col("table_id") == chart.table_id)
        if mine.is_empty():
            drawn[chart.id] = None
            continue
        plot, alt = chart.draw(mine, chart.title)
        path = out_dir / f"{chart.id}.png"
        cached = cache_dir / f"{chart_key(chart, mine, code)}.png" if cache_dir else None
        if cached is not None and cached.exists():
            shutil.copyfile(cached, path)
            cached.touch()  # recently used: kept by prune_cache
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                plot.save(path, dpi=150, verbose=False, metadata={"Software": None})
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                tmp = cached.with_name(f".{cached.name}.{os.getpid()}")
                shutil.copyfile(path, tmp)
                os.replace(tmp, cached)  # a killed run never leaves half an image
        drawn[chart.id] = {
            "path": path.name,
            "aspect": png_aspect(path),
            "alt": alt,
            "title": chart.title,
            "table_id": chart.table_id,
        }
    if cache_dir is not None:
        prune_cache(cache_dir)
    return drawn


def prune_cache(cache_dir: Path, keep: int = 200) -> None:
    """Keep the most recently used images (a few years' worth of versions)."""
    images = sorted(cache_dir.glob("*.png"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in images[keep:]:
        old.unlink(missing_ok=True)
