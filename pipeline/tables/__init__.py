"""The tables of the annual follow-up: defined once (sql/tables/<id>.toml + SQL), derived
in DuckDB, exported as CSV and figures, read by the report, the workbook and the trace."""
