"""Loaders: read files under raw/ into Polars frames, each row with its provenance."""
