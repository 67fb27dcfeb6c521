"""The rendered report (the path without Quarto): figures in the PDF's tables, every table
and an alt text per chart in the HTML, no number typed into the sources, same outputs
from the same inputs, and untrusted text escaped."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pypdf
import pytest

from pipeline.config import REPORT_DIR
from pipeline.report.charts import CHARTS
from pipeline.report.data import ANALYSTS_TABLES
from pipeline.report.publish import publish
from pipeline.tables.spec import table_specs
from pipeline.validation.report import write_validation_report
from tests.staging_helpers import stage_and_validate

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def pdf_text(warehouse, build_root) -> str:
    reader = pypdf.PdfReader(build_root / "2024" / "rapport.pdf")
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def html(warehouse, build_root) -> str:
    return (build_root / "2024" / "rapport.html").read_text(encoding="utf-8")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


# Tables whose figures the running text quotes, not printed as tables in the report.
TEXT_ONLY = tuple(s.id for s in table_specs() if not s.printed)


@pytest.mark.parametrize(
    ("row", "cells"),
    [  # Published 2024 figures as their table rows print them (seed 000).
        ("Använt hela bidraget", "205 83"),  # Tabell 1
        ("Inte använt något av bidraget", "12 5"),  # Tabell 1
        ("2024", "95 000 000 85 906 462 247 10 026 518 12"),  # Tabell 2
        ("Annan grupp", "84 38"),  # Tabell 3
        ("Förbättra hälsosamtal", "70 33 147 63"),  # Tabell 4
        ("Nej, kommunen samverkar inte", "104 44"),  # Tabell 5
        ("Enhetschef", "7 3"),  # Tabell 6
        ("FINGER-modellen", "43 19"),  # Tabell 7
        ("Örebro kommun", "1 273 458 1 273 458 1 273 458 100"),  # Bilaga 1 tabell 1
        (
            "Totalt",
            "85 906 462 85 906 462 10 026 518",
        ),  # Bilaga 1 tabell 1 (key, rekvirerat, oanvänt)
        ("Genom affischering", "64 29"),  # Bilaga 1 tabell 3
        ("Religiösa samfund", "25 11"),  # Bilaga 1 tabell 5
        ("Region Östergötland", "13 9 7 54"),  # Bilaga 2
    ],
)
def test_pdf_tables_hold_the_published_figures(pdf_text, row, cells):
    assert f"{row} {cells}" in squash(pdf_text)


def test_pdf_text_figures_and_swedish_letters(pdf_text):
    text = squash(pdf_text)
    assert "förbrukat 75 879 944 kronor, vilket är 88 % av det rekvirerade" in text
    assert "går därför 19 120 056 kronor tillbaka till statskassan" in text
    assert "störst i Region Gotland och Region Skåne (båda 100 %)" in text
    for word in ("återrapportering", "äldre", "Region Östergötland", "förbättra"):
        assert word in text, word  # å, ä, ö extracted as themselves
    assert "Ã" not in text and "\ufffd" not in text  # no mojibake, no replacement character


def test_pdf_embeds_its_fonts(warehouse, build_root):
    """Every font is embedded, and every one is the bundled DejaVu Sans (assets/fonts/),
    the title page included: the PDF does not depend on the machine's fonts."""
    reader = pypdf.PdfReader(build_root / "2024" / "rapport.pdf")
    fonts = set()
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
            descriptor = (
                font.get_object().get("/FontDescriptor")
                or font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            fonts.add(
                bool(
                    descriptor.get_object().get("/FontFile2")
                    or descriptor.get_object().get("/FontFile3")
                )
            )
    assert fonts == {True}
    assert {n.removesuffix("-Identity-H") for n in names} == {"DejaVuSans", "DejaVuSans-Bold"}


def test_html_has_every_table_and_an_alt_text_per_chart(html):
    for spec in table_specs():
        if spec.id not in TEXT_ONLY:
            assert f'id="tab-{spec.id}"' in html, spec.id
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == len(CHARTS)
    for img in images:
        alt = re.search(r'alt="([^"]+)"', img)
        assert alt and len(alt.group(1)) > 40, img[:200]
        assert 'src="data:image/png;base64,' in img  # self-contained
    assert not re.search(r"<link[^>]*stylesheet", html) and "<style" in html  # css embedded


def test_every_number_in_the_html_links_to_its_trace(html, build_root):
    links = re.findall(r'<a href="sparbarhet/([^"#]+)\.html#([^"]+)" class="fig"', html)
    assert links
    for page, anchor in set(links):  # every link lands on its figure's page and section
        assert page == anchor
        trace = (build_root / "2024" / "sparbarhet" / f"{page}.html").read_text("utf-8")
        assert f'<section id="{anchor}"' in trace
    tables = re.findall(r'<table[^>]*id="tab-([^"]+)"[^>]*>(.*?)</table>', html, flags=re.S)
    figure_tables = [
        (t, body)
        for t, body in tables
        if not t.startswith(("kvalitet_", "sparbarhet", "andringar_")) and t not in ANALYSTS_TABLES
    ]
    assert len(figure_tables) == len([s for s in table_specs() if s.id not in TEXT_ONLY])
    for table_id, body in figure_tables:
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            assert row.lstrip().startswith("<th"), (table_id, row[:80])  # the row's label
            for cell in cells:
                if re.search(r"\d", re.sub(r"<[^>]+>", "", cell)):
                    assert 'class="fig"' in cell, (table_id, cell)
    # In the running text, every figure reference became a link as well.
    main_text = html.split('id="tab-tabell1"')[0]
    assert re.search(r'class="fig"[^>]*>247 kommuner</a>', main_text)


def test_no_number_is_typed_into_the_report_sources():
    for path in [REPORT_DIR / "rapport.qmd", *sorted((REPORT_DIR / "kommentarer").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\[[^\]]*\]\{[^}]*\}", "", text)  # [id]{.f} references
        text = re.sub(r"\{[^}]*\}", "", text)  # attributes: {.tabell ref="tabell1"}
        text = re.sub(r"\b[Bb]ilaga \d\b", "", text)  # the appendices' own numbers, not data
        assert not re.search(r"\d", text), (path, re.search(r".{20}\d.{20}", text))


def test_same_inputs_give_the_same_outputs(warehouse, tmp_path):
    with warehouse.connect() as con:
        first = publish(con, 2024, tmp_path / "a")
        second = publish(con, 2024, tmp_path / "b")
    assert first.version == second.version == "v1"
    files = sorted(p.relative_to(first.folder) for p in first.folder.rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(second.folder) for p in second.folder.rglob("*") if p.is_file()
    )
    assert {"rapport.html", "rapport.pdf", "tabeller.xlsx", "manifest.json"} <= {
        f.as_posix() for f in files
    }
    for f in files:  # HTML, PDF, workbook, tables, manifest: byte for byte
        assert (first.folder / f).read_bytes() == (second.folder / f).read_bytes(), f


def test_markup_in_free_text_is_flagged_by_its_column_and_never_echoed(tmp_path):
    """A comment holding a script tag is a warning that names the row and the column; the
    page shows where it is, not the markup (no tag of the file reaches the HTML)."""
    corpus = Path(__file__).parent / "corpus" / "files"
    folder = tmp_path / "2024"
    folder.mkdir()
    shutil.copy(corpus / "markup_in_free_text.csv", folder)
    con = duckdb.connect()
    stage_and_validate(con, 2024, folder)
    con.execute(
        "CREATE TABLE IF NOT EXISTS validated.results AS SELECT * FROM validated.failures LIMIT 0"
    )
    html = write_validation_report(con, 2024, tmp_path / "v.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<b>fet" not in html
    flagged = re.search(
        r"<td><code>fritext_utan_kod</code></td>\s*<td>[^<]*markup_in_free_text\.csv</td>"
        r"<td>2</td>.*?Fritext med kod i = 18\. Övriga kommentarer om statsbidraget",
        html,
        flags=re.S,
    )
    assert flagged


def test_chart_cache_redraws_only_charts_whose_cells_changed(warehouse, tmp_path, monkeypatch):
    import plotnine

    from pipeline.report.charts import draw_charts

    with warehouse.connect(read_only=True) as con:
        cells = con.sql("SELECT * FROM tables.cells WHERE bidragsar = 2024").pl()
    cache = tmp_path / "cache"
    fresh = draw_charts(cells, tmp_path / "fresh", cache_dir=cache)
    assert len(list(cache.glob("*.png"))) == len(fresh) == len(CHARTS)
    saved: list[str] = []
    real_save = plotnine.ggplot.save
    monkeypatch.setattr(
        plotnine.ggplot,
        "save",
        lambda self, path, **kw: (saved.append(Path(path).stem), real_save(self, path, **kw)),
    )
    again = draw_charts(cells, tmp_path / "again", cache_dir=cache)
    assert saved == [] and again == fresh
    for chart_id, chart in fresh.items():
        first = (tmp_path / "fresh" / chart["path"]).read_bytes()
        assert (tmp_path / "again" / chart["path"]).read_bytes() == first, chart_id
    # One more municipality in one row of Tabell 3: only its chart is drawn again.
    import polars as pl

    changed = cells.with_columns(
        pl.when((pl.col("table_id") == "tabell3") & (pl.col("col_id") == "antal"))
        .then(pl.col("value") + 1)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    draw_charts(changed, tmp_path / "changed", cache_dir=cache)
    assert saved == ["diagram_tabell3"]


FAKE_QUARTO = '''#!{python}
"""Stands in for `quarto render rapport.qmd --to <fmt>`: reads what Quarto would read."""
import os, sys
from pathlib import Path
import yaml

project = yaml.safe_load(Path("_quarto.yml").read_text(encoding="utf-8"))
fmt = sys.argv[sys.argv.index("--to") + 1]
options = project["format"][fmt]
named = [*project.get("filters", []), options.get("css"), *[options.get("font-paths") or []]]
missing = [p for p in named if p and not Path(p).exists()]
data = Path(os.environ["HALSOSAMTAL_REPORT_DATA"])
if missing or not Path(sys.argv[2]).exists() or not data.exists():
    sys.exit(f"quarto: cannot find {{missing or sys.argv[2]}} from {{os.getcwd()}}")
Path("rapport." + ("pdf" if fmt == "typst" else "html")).write_text(fmt)
'''


def test_the_quarto_path_finds_what_the_project_names(warehouse, build_root, tmp_path):
    """Where Quarto is installed, `quarto render` renders the same project (it cannot be
    installed here). A stand-in on the PATH checks what the real one would read from the
    staged project: the filter, the CSS, the font folder, the source and the report data."""
    import os
    import sys

    from pipeline.report.render import render

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(FAKE_QUARTO.format(python=sys.executable), encoding="utf-8")
    fake.chmod(0o755)
    work = tmp_path / "work"
    shutil.copytree(build_root / "2024" / "versions" / "v1" / "rapport", work)
    path = os.environ["PATH"]
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{path}"
    try:
        rendered = render(work, work / "rapport-data.json", tmp_path / "r.html", tmp_path / "r.pdf")
    finally:
        os.environ["PATH"] = path
    assert rendered.engine == "quarto"
    assert (tmp_path / "r.html").read_text() == "html"
    assert (tmp_path / "r.pdf").read_text() == "typst"


def test_pdf_is_a4_and_swedish(warehouse, build_root):
    reader = pypdf.PdfReader(build_root / "2024" / "rapport.pdf")
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # mm
    assert reader.trailer["/Root"]["/Lang"] == "sv-SE"


def test_one_rule_says_which_figures_are_synthetic_everywhere(warehouse, build_root):
    """The table's definition decides (pipeline/tables/basis.py); the workbook marks each
    row of a mixed table, the trace page each figure, the same way."""

    from pipeline.tables.basis import is_synthetic
    from pipeline.tables.spec import table_spec

    text = table_spec("text")
    assert not is_synthetic(text, "oanvant_kr", 2024)  # money, real in 2024
    assert is_synthetic(text, "personer", 2024)  # the answers
    assert is_synthetic(text, "oanvant_kr", 2025)  # the example year's money is made up
    assert not is_synthetic(table_spec("rapportdata"), "bidragsar", 2025)  # a fact
    sheet = openpyxl.load_workbook(build_root / "2024" / "tabeller.xlsx")[text.sheet_name]
    marks = {row[0]: row[-1] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    assert marks[text.rows["oanvant_kr"]] == "verkliga"
    assert marks[text.rows["personer"]] == "syntetiska svar"
    page = (build_root / "2024" / "sparbarhet" / "text.personer.html").read_text("utf-8")
    assert "Bygger på syntetiska svar." in page
    page = (build_root / "2024" / "sparbarhet" / "text.oanvant_kr.html").read_text("utf-8")
    assert "syntetiska" not in page


def test_html_landmarks_and_table_headers(html):
    """What axe-core found missing: one main landmark; no empty column header (the label
    column is named, e.g. "Svarsalternativ"); wide tables scroll in a named region."""
    assert html.count("<main>") == 1 and html.count("</main>") == 1
    for table_id, head in re.findall(
        r'<table id="tab-([^"]+)".*?<thead>(.*?)</thead>', html, flags=re.S
    ):
        headers = re.findall(r"<th[^>]*>(.*?)</th>", head, flags=re.S)
        assert headers and all(h.strip() for h in headers), table_id
    regions = re.findall(r'<div class="tabellram" role="region" aria-label="([^"]+)"', html)
    assert len(regions) == html.count('<table id="tab-')


def structure_figures(reader: pypdf.PdfReader) -> list[str | None]:
    """The alternative text of every Figure of the PDF's structure tree."""
    found: list[str | None] = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append(str(node["/Alt"]) if "/Alt" in node else None)
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_pdf_is_tagged_pdf_ua_and_pdf_a_with_every_chart_described(warehouse, build_root):
    """PDF/UA-1 (and PDF/A-2a for archiving): tagged, the title shown, and every figure of
    the structure tree carries the same data-written alternative text as in the HTML."""
    import html as html_lib

    reader = pypdf.PdfReader(build_root / "2024" / "rapport.pdf")
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/ViewerPreferences"]["/DisplayDocTitle"]
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part>\s*1\s*<", xmp) and re.search(r"pdfaid:part>\s*2\s*<", xmp)
    page = (build_root / "2024" / "rapport.html").read_text(encoding="utf-8")
    alts = [html_lib.unescape(a) for a in re.findall(r'<img[^>]*\salt="([^"]*)"', page)]
    assert len(alts) >= 6 and all(len(a) > 40 for a in alts)  # sentences, not file names
    assert sorted(structure_figures(reader)) == sorted(alts)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "\u00ad" not in text and "\u200b" not in text  # copied text is searchable


def public_text(html: str) -> str:
    """What a reader of the HTML report sees (no styles, scripts, links' targets)."""
    import html as html_lib

    html = re.sub(r"(?s)<(style|script|nav)\b.*?</\1>", " ", html)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_the_public_report_holds_no_developer_material(warehouse, build_root, year):
    """No file path, command line, code hash, figure id or export column number in what
    a citizen reads, and no invisible character that breaks search and copy."""
    text = public_text((build_root / str(year) / "rapport.html").read_text(encoding="utf-8"))
    assert "\u200b" not in text and "\u00ad" not in text
    assert not re.search(r"\b(raw|sql|build|pipeline)/", text)
    assert not re.search(r"python|-m pipeline|\.toml|\.parquet", text)
    assert not re.search(r"\b[0-9a-f]{8,}\b", text)  # a code version's hash
    assert not re.search(r"\b(tabell\d|bilaga\d|text|rapportdata)\.[a-z0-9_]+", text)  # ids
    assert not re.search(r"(^|[;(] ?)\d+\.\d+\. [A-ZÅÄÖ]", text)  # "1.3. Oanvänt belopp"


def test_tabell_2_names_every_year_it_shows_and_no_population_for_kronor(warehouse, build_root):
    """Tabell 2 shows a row per grant year: its source names each; its unused share is of
    kronor, so no "n =" stands above it (2023 printed "(n = 143 500 000)")."""
    for year, years in ((2024, "2023 och 2024"), (2023, "2023")):
        page = (build_root / str(year) / "rapport.html").read_text(encoding="utf-8")
        table = page[page.index('id="tab-tabell2"') :]
        table = table[: table.index("Källa:") + 80]
        assert f"Källa: Kommunernas återrapportering {years}." in squash(table)
        assert "n\u00a0=" not in table and "n =" not in table


def test_a_table_note_places_its_figures_from_the_data(warehouse, build_root):
    """Tabell 3's n leaves out the municipalities that only prepared: the note says how
    many, from the figure text.endast_forberett of each year."""
    for year in (2023, 2024):
        n = warehouse.query(
            "SELECT value FROM tables.cells WHERE bidragsar = ? "
            "AND figure_id = 'text.endast_forberett'",
            [year],
        )["value"][0]
        page = squash((build_root / str(year) / "rapport.html").read_text(encoding="utf-8"))
        words = "ingen kommun" if n == 0 else f"{int(n)} kommuner" if n > 1 else "en kommun"
        assert f"har {words} hittills bara använt medlen till förberedande" in page


def test_answer_options_are_shown_without_the_forms_instructions(warehouse, build_root):
    """ "Annan metod, ange vilken:" is an instruction to the respondent, not a label."""
    labels = warehouse.query("SELECT DISTINCT row_label FROM tables.cells")["row_label"]
    instructed = [lab for lab in labels.drop_nulls() if re.search(r"[Aa]nge \w+\s*:?$", lab)]
    assert instructed == []
    forms = warehouse.query("SELECT option_label FROM reference.form_options")["option_label"]
    assert any(re.search(r"[Aa]nge \w+:$", lab) for lab in forms)  # the form does have them
    html = public_text((build_root / "2024" / "rapport.html").read_text(encoding="utf-8"))
    assert not re.search(r"[Aa]nge (vilken|vilka|hur|vad)\s*:", html)


def test_bilaga_1_holds_the_activities_and_the_methods_explained(warehouse, build_root):
    """Bilaga 1 tabell 2 (the analysts' summary of the free text, where they wrote one)
    and tabell 4 (every method of Tabell 7 that a municipality used, explained), in the
    published order; 2023 has no summary and no method question, so neither table."""
    used = warehouse.query(
        "SELECT row_label FROM tables.cells WHERE bidragsar = 2024 AND table_id = 'tabell7' "
        "AND col_id = 'antal' AND value > 0 AND row_id NOT IN ('annan', 'ingen') "
        "ORDER BY row_order"
    )["row_label"].to_list()
    page = squash((build_root / "2024" / "rapport.html").read_text(encoding="utf-8"))
    captions = [
        page.index(f"Bilaga 1, tabell {n}.") for n in (1, 2, 3, 4, 5, 6)
    ]  # each present, in order
    assert captions == sorted(captions)
    methods = page[captions[3] : captions[4]]
    assert [m for m in used if m in methods] == used and len(used) >= 4
    assert "Annan metod" not in methods and "Nej, vi har inte" not in methods
    areas = page[captions[1] : captions[2]]
    for area in ("Förberedande", "Genomförande", "Uppsökande", "Utvärdering och utveckling"):
        assert f'left;">{area}</th>' in areas, area  # a row header
    earlier = squash((build_root / "2023" / "rapport.html").read_text(encoding="utf-8"))
    assert "Bilaga 1, tabell 2." not in earlier and "Bilaga 1, tabell 4." not in earlier


@pytest.mark.parametrize("year", [2023, 2024])
def test_no_pdf_text_runs_past_the_body_or_over_other_text(warehouse, build_root, year):
    """Nothing cut off or overlaid: on every page, all words but the page number lie above
    the page number, and no two words overlap (a block taller than the page once spilled
    its rows over each other at the page's foot)."""
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(build_root / str(year) / "rapport.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = re.findall(r"<page [^>]*>(.*?)</page>", bbox, flags=re.S)
    assert len(pages) > 20
    images = subprocess.run(
        ["pdfimages", "-list", str(build_root / str(year) / "rapport.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with_chart = {int(line.split()[0]) for line in images.splitlines()[2:] if " image " in line}
    assert with_chart
    for number in with_chart:  # a chart's caption and source stay on its page
        assert re.search(r">Diagram<.*>Källa:<", pages[number - 1], flags=re.S), (year, number)
    word = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<')
    for number, page in enumerate(pages, start=1):
        words = [(*map(float, w[:4]), w[4]) for w in word.findall(page)]
        folio = max(words, key=lambda w: w[1])  # the lowest word on the page
        body = [w for w in words if w is not folio]
        assert folio[4] == str(number), (year, number)
        assert all(w[3] < folio[1] - 10 for w in body), (year, number)
        for i, a in enumerate(body):
            for b in body[i + 1 : i + 60]:  # neighbours in reading order
                overlap_x = min(a[2], b[2]) - max(a[0], b[0])
                overlap_y = min(a[3], b[3]) - max(a[1], b[1])
                assert overlap_x < 1 or overlap_y < 1, (year, number, a[4], b[4])


@pytest.mark.parametrize("year", [2023, 2024])
def test_lists_that_name_municipalities_say_their_answers_are_made_up(warehouse, build_root, year):
    """A real municipality's name beside a synthetic value (the warnings, the late reports,
    Bilaga 3 tabell 2) carries the note that the value says nothing about it; the money
    is called real only in a year whose money is."""
    from pipeline.tables.basis import money_is_real

    page = squash((build_root / str(year) / "rapport.html").read_text(encoding="utf-8"))
    chunks = {c.split("</caption>")[0]: c for c in page.split("<caption>")[1:]}  # per table
    named = 0
    for caption in ("Varningar från valideringen", "Återrapporter som kom in efter sista dag"):
        listed = chunks[caption]
        if ">Inga</th>" not in listed:
            named += 1
            assert "säger inget om den enskilda kommunen" in listed, caption
    warned = chunks["Varningar från valideringen"]
    if ">Inga</th>" not in warned:  # money warnings rest on real amounts only where real
        assert ("Varningar om belopp bygger på kommunernas verkliga" in warned) == (
            money_is_real(year)
        )
    assert named  # both years list some
    table = next(c for k, c in chunks.items() if k.startswith("Bilaga 3, tabell 2."))
    assert "Personer som nåtts (syntetiskt)" in table


def test_title_page_names_the_publisher_the_contact_and_the_data_date(warehouse, build_root):
    from pipeline.config import settings

    first = squash(pypdf.PdfReader(build_root / "2024" / "rapport.pdf").pages[0].extract_text())
    data_per = warehouse.query(
        "SELECT value FROM tables.cells WHERE bidragsar = 2024 "
        "AND figure_id = 'rapportdata.data_per'"
    )["value"][0]
    day = f"{int(data_per) % 100} "
    for text in (settings().publisher, settings().contact, "Data per " + day, "Om underlaget"):
        assert text in first, text
    header = squash((build_root / "2024" / "rapport.html").read_text("utf-8"))
    header = header[header.index('<header id="title-block-header">') :][:800]
    assert (
        f'<p class="author">{settings().publisher}</p>' in header and settings().contact in header
    )
    assert (
        pypdf.PdfReader(build_root / "2024" / "rapport.pdf").metadata.author == settings().publisher
    )


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_several_answers_is_said_only_where_the_form_allowed_them(warehouse, build_root, year):
    """ "Flera svar kunde anges." stands under a table of a question's options exactly when
    that year's form let a municipality tick several (2023 asked follow-up as yes or no)."""
    types = dict(
        warehouse.query(
            "SELECT question_id, question_type FROM reference.form_questions WHERE bidragsar = ?",
            [year],
        ).rows()
    )
    page = squash((build_root / str(year) / "rapport.html").read_text(encoding="utf-8"))
    chunks = {c.split("</caption>")[0]: c for c in page.split("<caption>")[1:]}
    checked = 0
    for spec in table_specs():
        question = spec.parts[0].params.get("question")
        caption = f"{spec.number}. {spec.title}"
        if spec.sql != "_option_counts" or caption not in chunks or question not in types:
            continue
        said = "Flera svar kunde anges." in chunks[caption]
        assert said == (types[question] == "multiple"), (year, spec.id)
        checked += 1
    assert checked >= 3


def test_a_year_that_redistributed_says_why_a_recipient_drew_beyond_its_key(warehouse, build_root):
    """2023 redistributed undrawn money: Bilaga 1 tabell 1 says how much went beyond the
    keys (requisitioned less the recipients' keys); 2024 did not, and says nothing."""
    beyond = warehouse.query(
        "SELECT sum(r.rekvirerat) - sum(f.belopp_kr) AS kr FROM validated.respondents r "
        "JOIN ledger.fordelningsnyckel f USING (bidragsar, kommunkod) WHERE bidragsar = 2023"
    )["kr"][0]
    assert beyond > 0
    amount = f"{beyond:,}".replace(",", " ")
    for year, said in ((2023, True), (2024, False)):
        page = squash((build_root / str(year) / "rapport.html").read_text(encoding="utf-8"))
        chunks = {c.split("</caption>")[0]: c for c in page.split("<caption>")[1:]}
        table = next(c for k, c in chunks.items() if k.startswith("Bilaga 1, tabell 1."))
        note = "Medel som inte rekvirerades fördelades om till kommuner som rekvirerade"
        assert (note in table) == said, year
        if said:
            assert f"sammanlagt {amount} kronor" in table
