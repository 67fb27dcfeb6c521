-- A year's lineage rows as the trace pages list them: the contribution in Swedish format
-- (no-break space between thousands, decimal comma) and the cells behind each row, as
-- "<column> = <value as filed>" (trace_cells, from _cells.sql), joined with "; ". A cell named without
-- an option matches the question's answer, whichever option it is.
WITH rows AS (
    SELECT row_number() OVER () AS line, * FROM lineage.rows
    WHERE bidragsar = $bidragsar  -- all figures, or those named in $figures
      AND (len(CAST($figures AS VARCHAR[])) = 0 OR list_contains($figures, figure_id))
),
wanted AS (
    SELECT line, source_file, source_row, ordinality AS k,
           split_part(cell, ':', 1) AS question, nullif(split_part(cell, ':', 2), '') AS option
    FROM rows, unnest(string_split(cells, ' ')) WITH ORDINALITY AS c (cell)
    WHERE cells IS NOT NULL AND source_row IS NOT NULL
),
shown AS (
    SELECT w.line, string_agg(
               v.column_name || ' = ' || coalesce(nullif(v.value, ''), '(tomt)'), '; '
               ORDER BY w.k, v.option) AS celler
    FROM wanted AS w
    JOIN trace_cells AS v ON v.source_file = w.source_file AND v.source_row = w.source_row
        AND v.question = w.question AND (w.option IS NULL OR v.option = w.option)
    GROUP BY w.line
)
SELECT r.* EXCLUDE (line), s.celler,
       CASE WHEN contribution = round(contribution)
            THEN replace(format('{:,.0f}', contribution), ',', chr(160))
            ELSE replace(replace(replace(format('{:,.1f}', contribution), ',', '_'),
                                 '.', ','), '_', chr(160)) END AS bidrag
FROM rows AS r LEFT JOIN shown AS s USING (line)
ORDER BY figure_id, role DESC, source_file, source_row, contribution, kommunkod
