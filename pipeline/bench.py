"""Benchmark: ``python -m pipeline bench`` (not a test). Measures on this machine, with the
median and spread over repeated runs, wall time and peak memory of:

* the full build from raw/ (warm environment), a rebuild when nothing changed, and the
  refresh after one late report, each as the analyst runs it (a fresh process);
* the bare work: the same steps called straight in one process without Dagster, each step
  alone (parse, validate, SQL, charts, render), so that the orchestration's overhead and
  each step's share are ratios from the same run;
* the derivation of all tables alone, and the render alone (HTML and PDF);
* the trace as a reviewer meets it (pipeline/bench_trace.py, in headless Chromium): the
  time to open the index, the figure with the most source rows and a municipality's page,
  to search by name, and to load the largest part of the search index;
* scale: synthetic returns for 10×, 100× and 1000× the municipalities, and the time and
  memory of ingest, validation and derivation (the tables and their lineage) at each size,
  with the time to open the trace of the figure with the most rows and the largest search
  part at that size.

Results go to build/bench/results.json and a short table is printed.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline import bench_trace
from pipeline.config import ROOT, build_dir, grant_years, raw_dir

PY = sys.executable


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(samples), 3),
        "min": round(min(samples), 3),
        "max": round(max(samples), 3),
        "n": len(samples),
    }


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root, self.raw, self.build, self.home = (
            root,
            root / "raw",
            root / "build",
            root / "home",
        )
        shutil.copytree(raw_dir(), self.raw)
        self.home.mkdir()
        (self.home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "HALSOSAMTAL_RAW": str(self.raw),
            "HALSOSAMTAL_BUILD": str(self.build),
            "DAGSTER_HOME": str(self.home),
        }

    def reset_build(self) -> None:
        shutil.rmtree(self.build, ignore_errors=True)
        shutil.rmtree(self.home / "storage", ignore_errors=True)


def measure(name: str, repeats: int, prepare, cmd: list[str], ws: Workspace) -> dict:
    times, memory = [], []
    for _ in range(repeats):
        prepare()
        elapsed, peak, _ = run(cmd, ws.env())
        times.append(elapsed)
        memory.append(peak)
    print(f"  {name:<38} {statistics.median(times):7.2f} s  {max(memory):7.0f} MB", flush=True)
    return {"seconds": summary(times), "peak_mb": round(max(memory), 1)}


def daemon_latency(ws: Workspace, repeats: int, add_late_report) -> dict:
    """A late report through the Dagster daemon at default settings (dagster.yaml, the
    sensor's default interval): seconds from the file landing to its year's new version
    switched in, each drop on an idle run queue. The daemon's sensor loop runs every 5 s
    (Dagster's floor), so a drop waits 0–5 s before any run is requested."""
    from pipeline.devserver import Dagster, instance_yaml, wait_until

    home = ws.root / "daemon_home"
    instance_yaml(home)
    env = {**ws.env(), "DAGSTER_HOME": str(home)}
    env.pop("HALSOSAMTAL_SENSOR_SECONDS", None)
    current = ws.build / "2024" / "current"
    # The year after 2024, refreshed by the next run, when the workspace has one.
    after = ws.build / "2025" / "current" if "2025" in grant_years(ws.raw) else None

    def link(path: Path | None) -> str | None:
        return os.readlink(path) if path is not None and path.is_symlink() else None

    times = []
    with Dagster(env, ws.root / "daemon.log").start(webserver=False):
        time.sleep(20)  # the daemon up and the sensor's baseline taken
        for _ in range(repeats):
            before, before_after = link(current), link(after)
            start = time.perf_counter()
            add_late_report()
            wait_until(lambda old=before: link(current) != old, 300, "a new version", poll=0.1)
            times.append(time.perf_counter() - start)
            # Each drop meets an idle queue: the year after's run has finished too.
            if after is not None:
                wait_until(lambda old=before_after: link(after) != old, 300, "the year after")
            time.sleep(1)
    print(f"  {'late report through the daemon':<38} {statistics.median(times):7.2f} s", flush=True)
    return {"seconds": summary(times)}


def bare_script(step: str = "all") -> list[str]:
    return [PY, "-m", "pipeline.bench_bare", step]


def measure_scales(scales: tuple[int, ...]) -> dict:
    """Ingest, validation, derivation (tables and lineage) and the trace at k × the
    municipalities; the trace in a process of its own (its own peak memory)."""
    print("Scale (synthetic returns; ingest, validation, derivation)")
    measured: dict = {}
    trace_dir = build_dir() / "bench" / "trace"
    shutil.rmtree(trace_dir, ignore_errors=True)
    for k in scales:
        keep = trace_dir / str(k)
        _, peak, out = run(
            [PY, "-m", "pipeline.bench_bare", "scale", str(k), str(keep)], os.environ.copy()
        )
        data = json.loads(out.strip().splitlines()[-1])
        data["peak_mb"] = round(peak, 1)
        # the trace in a process of its own, as a reviewer's own peak
        _, trace_peak, out = run(
            [PY, "-m", "pipeline.bench_bare", "trace", str(keep)], os.environ.copy()
        )
        data |= json.loads(out.strip().splitlines()[-1])
        data["trace_peak_mb"] = round(trace_peak, 1)
        (keep / "w.duckdb").unlink()
        data["trace_open"] = bench_trace.measure(
            {"largest figure": Path(data["trace"]["figure_page"])},
            {},
            {"largest search part": Path(data["trace"]["largest_search_part"])},
        )
        measured[str(k)] = data
        print(
            f"  ×{k:<5} {data['submissions']:>8} reports  ingest {data['ingest']:7.2f} s  "
            f"validate {data['validate']:7.2f} s  derive {data['derive']:7.2f} s  "
            f"peak {peak:7.0f} MB",
            flush=True,
        )
        print(
            f"         lineage {data['lineage_rows']} rows; trace (peak "
            f"{data['trace_peak_mb']:.0f} MB): "
            + ", ".join(
                f"{n} {v if isinstance(v, str) else f'{v:.3f} s'}"
                for n, v in data["trace_open"].items()
            ),
            flush=True,
        )
    return measured


def trace_open_at_1x(year_dir: Path) -> dict:
    """A reviewer's waits on the built 2024 trace: the index, the figure with the most
    source rows, a municipality, a search by name, the largest part of the search index."""
    folder = year_dir / "sparbarhet"
    largest = max(
        folder.glob("*.html"),
        key=lambda p: p.stat().st_size * (not p.name.startswith(("tabell-", "kommun-"))),
    )
    return bench_trace.measure(
        {
            "index": year_dir / "sparbarhet.html",
            "largest figure": largest,
            "municipality": folder / "kommun-0380.html",
        },
        {"by name": (year_dir / "sparbarhet.html", "Uppsala")},
        {"largest search part": max(folder.glob("sok-*.js"), key=lambda p: p.stat().st_size)},
    )


def main(repeats: int = 3, scales: tuple[int, ...] = (1, 10, 100, 1000)) -> dict:
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    build = [PY, "-m", "pipeline", "build", "--year", "2023", "--year", "2024"]
    refresh = [PY, "-m", "pipeline", "build", "--year", "2024"]
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp))
        print("Pipeline (Dagster, one process per command)")
        results["full_build"] = measure("full build from raw/", repeats, ws.reset_build, build, ws)
        results["no_change_rebuild"] = measure(
            "rebuild, nothing changed", repeats, lambda: None, refresh, ws
        )
        counter = iter(range(1000))

        def add_late_report() -> None:
            from tests.test_refresh import Env, correction  # a realistic correction file

            e = Env(ws.root)
            n = next(counter)  # each its own submission time: two at once would be a tie
            correction(
                e,
                f"sen_{n}.csv",
                1,
                f"2025-03-01 {10 + n // 60:02d}:{n % 60:02d}:00",
                str(8_900_000 + n),
            )

        results["late_report_refresh"] = measure(
            "refresh after one late report", repeats, add_late_report, refresh, ws
        )
        results["daemon_refresh"] = daemon_latency(ws, repeats, add_late_report)
        results["trace_open"] = trace_open_at_1x(ws.root / "build" / "2024")
        for k, v in results["trace_open"].items():
            print(f"  trace, {k:<31} {v if isinstance(v, str) else f'{v:7.3f} s'}")
        print("Bare work (no Dagster, one process, same steps)")
        bare = []
        for _ in range(repeats):
            ws.reset_build()  # as the full build: no chart drawn before
            _, peak, out = run(bare_script(), ws.env())
            bare.append({**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak})
        steps = {k: summary([b["steps"][k] for b in bare]) for k in bare[0]["steps"]}
        total = summary([b["total"] for b in bare])
        results["bare"] = {
            "total_seconds": total,
            "steps": steps,
            "peak_mb": max(b["peak_mb"] for b in bare),
            "import_seconds": summary([b["imports"] for b in bare]),
        }
        for k, v in steps.items():
            print(f"  {k:<38} {v['median']:7.2f} s")
        print(f"  {'total (with imports)':<38} {total['median']:7.2f} s")
        from pipeline.bench_bare import DERIVE  # the label of the tables step

        results["tables_alone"] = steps[DERIVE]
        results["render_alone"] = {"html_and_pdf": steps["render HTML + PDF"]}
        results["overhead_ratio"] = round(
            results["full_build"]["seconds"]["median"] / total["median"], 2
        )
        print(f"  pipeline / bare work: {results['overhead_ratio']}×")
    results["scale"] = measure_scales(scales)
    out_dir = build_dir() / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"wrote {out_dir / 'results.json'}")
    return results


if __name__ == "__main__":
    main()
