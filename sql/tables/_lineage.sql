-- The year's lineage as stored in lineage.rows: the source rows of every published figure
-- (`current_rows`, all but the figure rows), with the figure's aggregation; a judgement's
-- rows are those of the figure it rests on, with that figure's aggregation (how they
-- recompute it); the municipality's name and the synthetic mark (`synthetic_rows`). Unordered: every reader orders (sorting tens of millions of
-- rows here costs minutes).
WITH figures AS (
    SELECT figure_id, table_id, aggregation, source_figure FROM current_rows
    WHERE role = 'figure' AND figure_id IN (SELECT figure_id FROM current_cells)
),
own AS (
    SELECT r.figure_id, r.table_id, r.role, r.submission_id, r.source_file, r.source_sha256,
           r.source_row, r.contribution, f.aggregation, r.cells, r.kommunkod,
           s.table_id IS NOT NULL AS synthetic
    FROM current_rows AS r
    JOIN figures AS f USING (figure_id)
    LEFT JOIN synthetic_rows AS s ON s.table_id = r.table_id AND s.row_id = r.row_id
    WHERE r.role <> 'figure'
),
everything AS (
    SELECT * FROM own
    UNION ALL BY NAME
    SELECT f.figure_id, f.table_id, o.* EXCLUDE (figure_id, table_id)
    FROM figures AS f JOIN own AS o ON o.figure_id = f.source_figure
)
SELECT CAST($bidragsar AS INTEGER) AS bidragsar, e.* EXCLUDE (kommunkod, synthetic),
       e.kommunkod, k.kommun_namn AS kommun, e.synthetic
FROM everything AS e
LEFT JOIN reference.kommuner AS k USING (kommunkod)
