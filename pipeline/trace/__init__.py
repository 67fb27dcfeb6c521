"""Lineage: every figure traced back to the source rows that made it."""
