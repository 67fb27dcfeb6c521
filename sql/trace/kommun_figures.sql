-- Every figure each municipality counts in, for its page in the trace: the figure, its
-- value and labels, the municipality's role in it and what its rows contribute.
SELECT l.kommunkod, l.figure_id, c.table_id, c.row_id, c.row_order, c.col_order, c.row_label,
       c.col_label,
       c.value, c.unit,
       l.role, sum(l.contribution) AS bidrag, count(*) AS rader
FROM lineage.rows AS l
JOIN tables.cells AS c USING (bidragsar, figure_id)
WHERE l.bidragsar = $bidragsar AND l.kommunkod IS NOT NULL
GROUP BY ALL
ORDER BY l.kommunkod, c.table_id, c.row_order, c.col_order, l.role DESC
