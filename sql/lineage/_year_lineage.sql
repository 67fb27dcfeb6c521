-- The year's lineage as stored in lineage.rows: every table's rows (new_lineage), a
-- judgement's rows borrowed from the figure it rests on (borrowed), the municipality's
-- name, the synthetic mark (synthetic_rows), published figures only. Unordered: every
-- reader orders (sorting tens of millions of rows here costs minutes).
WITH own AS (
    SELECT l.*, s.table_id IS NOT NULL AS synthetic
    FROM new_lineage AS l
    LEFT JOIN synthetic_rows AS s USING (table_id, row_id)
),
everything AS (
    SELECT * EXCLUDE (row_id, col_id) FROM own
    UNION ALL BY NAME
    SELECT b.figure_id, b.table_id, o.* EXCLUDE (row_id, col_id, figure_id, table_id)
    FROM borrowed AS b JOIN own AS o ON o.figure_id = b.source_figure
)
SELECT CAST($bidragsar AS INTEGER) AS bidragsar, e.* EXCLUDE (kommunkod, synthetic),
       e.kommunkod, k.kommun_namn AS kommun, e.synthetic
FROM everything AS e
LEFT JOIN reference.kommuner AS k USING (kommunkod)
WHERE e.figure_id IN (SELECT figure_id FROM tables.cells WHERE bidragsar = $bidragsar)
