"""Every HTML output as a browser shows it: axe-core (WCAG 2.1 A and AA rules) finds no
violation, and a phone-sized window never scrolls sideways (wide tables scroll in their own
region)."""

from __future__ import annotations

from pathlib import Path

import pytest

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(driver, page: Path) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on a page, one line each (rule, element)."""
    import axe_core_python

    driver.get(page.as_uri())
    axe = (Path(axe_core_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    driver.execute_script(axe)
    driver.set_script_timeout(180)  # the report has some 5 000 elements to check
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', help: String(e),"
        " nodes: []}]));",
        WCAG,
    )
    return [
        f"{v['id']}: {v['help']} — {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in result
    ]


def pages(build_root: Path) -> dict[str, Path]:
    year = build_root / "2024"
    return {
        "rapport": year / "rapport.html",
        "validering": year / "validering.html",
        "sparbarhet": year / "sparbarhet.html",
        "a figure's trace": year / "sparbarhet" / "tabell3.80_plus.andel.html",
        "a table's trace": year / "sparbarhet" / "tabell-bilaga1_tabell1.html",
        "a municipality": year / "sparbarhet" / "kommun-0380.html",
        "the 2023 report": build_root / "2023" / "rapport.html",
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "rapport",
        "validering",
        "sparbarhet",
        "a figure's trace",
        "a table's trace",
        "a municipality",
        "the 2023 report",
    ],
)
def test_no_accessibility_violation(warehouse, build_root, chromium, name):
    assert axe_violations(chromium, pages(build_root)[name]) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["rapport", "validering", "a figure's trace", "a municipality"])
def test_a_phone_screen_never_scrolls_sideways(warehouse, build_root, chromium, name):
    chromium.set_window_size(375, 800)
    try:
        chromium.get(pages(build_root)[name].as_uri())
        width = chromium.execute_script("return document.documentElement.clientWidth")
        scroll = chromium.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, (scroll, width)
    finally:
        chromium.set_window_size(1280, 900)
