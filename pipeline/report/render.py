"""Render report/rapport.qmd to HTML and PDF: with Quarto when it is on the PATH, otherwise
with the pandoc and Typst shipped in the pypandoc-binary and typst wheels. Both paths run
the same Lua filter (report/siffror.lua) over the same source."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import ASSETS_DIR, REPORT_DIR

SOURCE = REPORT_DIR / "rapport.qmd"
FILTER = REPORT_DIR / "siffror.lua"
CSS = ASSETS_DIR / "report.css"
FONTS = ASSETS_DIR / "fonts"
# Tagged and accessible (PDF/UA-1: structure tree, alternative texts, title, language), and
# fit for archiving (PDF/A-2a, which Typst combines with UA-1).
PDF_STANDARDS = ["ua-1", "a-2a"]


@dataclass(frozen=True)
class Rendered:
    html: Path
    pdf: Path
    engine: str


def render(
    work_dir: Path,
    data_path: Path,
    html_out: Path,
    pdf_out: Path,
    engine: str | None = None,
    timestamp: int | None = None,
) -> Rendered:
    """Render into work_dir (which holds the charts), then move the outputs in place."""
    engine = engine or ("quarto" if shutil.which("quarto") else "pandoc")
    if engine == "quarto":
        return _quarto(work_dir, data_path, html_out, pdf_out)
    return _pandoc(work_dir, data_path, html_out, pdf_out, timestamp)


def _pandoc(
    work_dir: Path, data_path: Path, html_out: Path, pdf_out: Path, timestamp: int | None = None
) -> Rendered:
    import pypandoc
    import typst

    common = [
        "--standalone",
        f"--lua-filter={FILTER}",
        f"--metadata=report-data:{data_path}",
        f"--resource-path={work_dir}",
        "--toc",
        "--toc-depth=2",
        "--variable=papersize:a4",  # as _quarto.yml says; pandoc's Typst default is Letter
    ]
    html_tmp, typ, pdf_tmp = (work_dir / f"rapport.{ext}" for ext in ("html", "typ", "pdf"))
    pandoc = pypandoc.get_pandoc_path()
    source = [pandoc, str(SOURCE), "--from=markdown", *common]
    # The two conversions run side by side; Typst compiles while the HTML is written.
    html = _start(
        [*source, "--to=html5", f"--output={html_tmp}", "--embed-resources", f"--css={CSS}"]
    )
    try:
        _finish(_start([*source, "--to=typst", f"--output={typ}"]))
        # A fixed creation time (the data's date) keeps the PDF byte-identical between runs,
        # and only the bundled fonts between machines (a system's own DejaVu differs).
        typst.compile(
            str(typ),
            output=str(pdf_tmp),
            font_paths=[str(FONTS)],
            ignore_system_fonts=True,
            root=str(work_dir),
            timestamp=timestamp,
            pdf_standards=PDF_STANDARDS,
        )
    except BaseException:
        html.kill()
        html.wait()
        raise
    _finish(html)
    return Rendered(_place(html_tmp, html_out), _place(pdf_tmp, pdf_out), "pandoc+typst")


def _start(cmd: list[str]) -> subprocess.Popen:
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> None:
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"pandoc failed (exit {proc.returncode}): {err.strip()}")


def _quarto(work_dir: Path, data_path: Path, html_out: Path, pdf_out: Path) -> Rendered:
    env = {**os.environ, "HALSOSAMTAL_REPORT_DATA": str(data_path)}
    staged = work_dir / "quarto"
    shutil.copytree(REPORT_DIR, staged, dirs_exist_ok=True)
    # beside it as in the repository: _quarto.yml refers to ../assets (CSS, fonts)
    shutil.copytree(ASSETS_DIR, work_dir / "assets", dirs_exist_ok=True)
    for chart in work_dir.glob("*.png"):
        shutil.copy(chart, staged)
    for fmt in ("html", "typst"):
        subprocess.run(
            ["quarto", "render", "rapport.qmd", "--to", fmt], cwd=staged, env=env, check=True
        )
    return Rendered(
        _place(staged / "rapport.html", html_out), _place(staged / "rapport.pdf", pdf_out), "quarto"
    )


def _place(produced: Path, target: Path) -> Path:
    """Move an output into place atomically: readers never see a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(produced, target)
    return target
