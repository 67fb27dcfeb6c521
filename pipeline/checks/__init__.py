"""Checks on loaded data, returned as Dagster AssetCheckResults."""
