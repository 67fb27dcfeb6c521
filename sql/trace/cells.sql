-- The cells a trace names, with their value as filed: every answer of the year's exports
-- under the export's own column header (cell 'question' or 'question:option', as lineage
-- rows name them in `cells`), and the columns of the ledger and reference files under
-- their own names. One row per file × row × cell.
WITH wanted AS (  -- the source rows the figures asked for rest on
    SELECT DISTINCT source_file, source_row FROM lineage.rows
    WHERE bidragsar = $bidragsar AND source_row IS NOT NULL
      AND (len(CAST($figures AS VARCHAR[])) = 0 OR list_contains($figures, figure_id))
),
reference_cells AS (
    UNPIVOT (SELECT source_file, source_row,
                    COLUMNS(* EXCLUDE (source_file, source_row, source_sha256, loaded_at))::VARCHAR
             FROM reference.bidragsar)
    ON COLUMNS(* EXCLUDE (source_file, source_row)) INTO NAME cell VALUE value
    UNION ALL
    UNPIVOT (SELECT source_file, source_row,
                    COLUMNS(* EXCLUDE (source_file, source_row, source_sha256, loaded_at))::VARCHAR
             FROM reference.kommuner)
    ON COLUMNS(* EXCLUDE (source_file, source_row)) INTO NAME cell VALUE value
    UNION ALL
    SELECT source_file, source_row, 'belopp_kr', CAST(belopp_kr AS VARCHAR)
    FROM ledger.fordelningsnyckel WHERE bidragsar = $bidragsar
)
SELECT source_file, source_row, question_id AS question, option_code AS option,
       column_name, raw_value AS value
FROM staged.answers JOIN wanted USING (source_file, source_row)
UNION ALL
SELECT source_file, source_row, cell, NULL, cell, value
FROM reference_cells JOIN wanted USING (source_file, source_row)
