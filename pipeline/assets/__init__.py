"""Dagster assets, one per concern, in data-flow order: reference → ledger → ..."""
