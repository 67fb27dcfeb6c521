"""The gate of a grant year's run: its raw inputs as they are now."""

from collections.abc import Iterator

import dagster as dg

from pipeline import worker
from pipeline.freshness import fingerprint, source_state
from pipeline.partitions import current_publication, grant_year_partitions, partition_year


@dg.asset(
    key_prefix="raw",
    group_name="raw",
    partitions_def=grant_year_partitions,
    output_required=False,
)
def inputs(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
    """Every raw input of the grant year (ledger, form, exports, withdrawals, reference
    files; the year before's exports too, which its report compares with) and the code,
    with their SHA-256. When they are as the year's latest publication had them, this
    yields nothing and Dagster skips the rest of the run: a run from the UI, a retry or a
    backfill of a current year does no work (tag a run halsosamtal/force=true to rebuild)."""
    if current_publication(context):
        return
    # There is work: the heavy libraries import on the second core meanwhile (a no-op in
    # a build, which started the worker already).
    worker.start()
    state = source_state(partition_year(context))
    # Its data version is the inputs' and the code's fingerprint: the UI marks what was
    # built from other inputs as stale.
    yield dg.MaterializeResult(
        data_version=dg.DataVersion(fingerprint(state)),
        metadata={
            "files": dg.MetadataValue.int(len(state["inputs"])),
            "fingerprint": dg.MetadataValue.text(fingerprint(state)[:16]),
            "code_version": dg.MetadataValue.text(state["code_version"][:16]),
        },
    )
