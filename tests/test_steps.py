"""The grant year's steps are written once: the Dagster assets' deps are the graph, and
pipeline/steps.py lists the same steps in an order that graph allows (the benchmark and
the tests run that list without Dagster)."""

from __future__ import annotations

import dagster as dg

from pipeline.definitions import defs
from pipeline.steps import YEAR_STEPS, year_steps

# The year's assets that are not bare steps: the file scan that triggers a run, and the
# publication (the tests and the benchmark call publish() themselves).
NOT_STEPS = {"raw/inputs", "report/publication"}


def test_the_steps_follow_the_asset_graph_and_cover_it():
    graph = defs.resolve_asset_graph()
    keys = [key for key, _ in YEAR_STEPS]
    year_assets = {
        k.to_user_string()
        for k in graph.get_all_asset_keys()
        if graph.get(k).partitions_def is not None
    }
    # a step materializes every asset its Dagster op does (tables/cells with lineage/rows)
    covered = {
        k.to_user_string()
        for key in keys
        for k in graph.assets_def_for_key(dg.AssetKey(key.split("/"))).keys
    }
    assert covered == year_assets - NOT_STEPS
    assert len(covered) > len(keys)  # the figures and their lineage come from one step
    for position, key in enumerate(keys):
        parents = {p.to_user_string() for p in graph.get(dg.AssetKey(key.split("/"))).parent_keys}
        later = parents & set(keys[position + 1 :])
        assert not later, f"{key} runs before {sorted(later)}, which it reads"


def test_a_run_can_stop_after_any_step():
    assert [k for k, _ in year_steps(until="staged/answers")][-1] == "staged/answers"
    assert [k for k, _ in year_steps("tables/cells", "validated/table_checks")] == [
        "tables/cells",
        "validated/table_checks",
    ]
    assert year_steps() == list(YEAR_STEPS)
