"""How long a reviewer waits for the trace, measured in a real browser (headless Chromium,
where the tests' Debian packages are installed): a page from click to loaded, and a search
from keystroke to results. Used by ``python -m pipeline bench``."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

LOADS = 5  # loads per page; the median is reported


def browser(width: int = 1280, height: int = 900):
    """Headless Chromium through Selenium (quiet: no network of its own, a fresh profile),
    or None where Debian's chromium and chromium-driver are not installed. The tests use
    it too."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def load_seconds(driver, page: Path) -> float:
    """Median time from navigation to the page's load event."""
    times = []
    for _ in range(LOADS):
        driver.get("about:blank")
        driver.get(page.as_uri())
        times.append(
            driver.execute_script(
                "const n = performance.getEntriesByType('navigation')[0];"
                "return n.loadEventEnd - n.startTime;"
            )
            / 1000
        )
    return statistics.median(times)


def search_seconds(driver, index: Path, query: str) -> float:
    """Median time from typing a search to its first result (loading its part of the
    index included)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    times = []
    for _ in range(LOADS):
        driver.get("about:blank")  # a fresh page: the part is loaded anew
        driver.get(index.as_uri())
        box = driver.find_element(By.ID, "sok")
        start = time.perf_counter()
        box.send_keys(query)
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#traffar a"))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def script_seconds(driver, script: Path) -> float:
    """Median time to load one part of the search index (a page that only loads it)."""
    page = script.parent / "bench-load-part.html"
    page.write_text(
        f'<!DOCTYPE html><script>function sokDel(){{}}</script><script src="{script.name}">'
        "</script>",
        encoding="utf-8",
    )
    try:
        return load_seconds(driver, page)
    finally:
        page.unlink()


def measure(pages: dict[str, Path], searches: dict[str, tuple[Path, str]], parts: dict) -> dict:
    """Seconds per page, search and index part, or why nothing was measured."""
    driver = browser()
    if driver is None:
        return {"skipped": "chromium and chromium-driver are not installed"}
    try:
        out = {f"open {name}": load_seconds(driver, p) for name, p in pages.items()}
        out |= {f"search {name}": search_seconds(driver, *s) for name, s in searches.items()}
        out |= {f"load {name}": script_seconds(driver, p) for name, p in parts.items()}
        return out
    finally:
        driver.quit()
