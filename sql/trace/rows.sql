-- A year's lineage rows as the trace pages list them, at most $shown per figure (all when
-- $shown is NULL), in the pages' order: the contribution in Swedish format (no-break space
-- between thousands, decimal comma) and the cells behind each row, as
-- "<column> = <value as filed>" (trace_cells, from cells.sql), joined with "; ". A cell
-- named without an option matches the question's answer, whichever option it is.
WITH rows AS (
    SELECT row_number() OVER (
               PARTITION BY figure_id
               ORDER BY role DESC, source_file, source_row, contribution, kommunkod
           ) AS line_in_figure, *
    FROM lineage.rows
    WHERE bidragsar = $bidragsar  -- all figures, or those named in $figures
      AND (len(CAST($figures AS VARCHAR[])) = 0 OR list_contains($figures, figure_id))
    QUALIFY $shown IS NULL OR line_in_figure <= $shown
),
wanted AS (
    SELECT figure_id, line_in_figure AS line, source_file, source_row, ordinality AS k,
           split_part(cell, ':', 1) AS question, nullif(split_part(cell, ':', 2), '') AS option
    FROM rows, unnest(string_split(cells, ' ')) WITH ORDINALITY AS c (cell)
    WHERE cells IS NOT NULL AND source_row IS NOT NULL
),
shown AS (
    SELECT w.figure_id, w.line, string_agg(
               v.column_name || ' = ' || coalesce(nullif(v.value, ''), '(tomt)'), '; '
               ORDER BY w.k, v.option) AS celler
    FROM wanted AS w
    JOIN trace_cells AS v ON v.source_file = w.source_file AND v.source_row = w.source_row
        AND v.question = w.question AND (w.option IS NULL OR v.option = w.option)
    GROUP BY w.figure_id, w.line
)
SELECT r.* EXCLUDE (line_in_figure), s.celler,
       CASE WHEN contribution = round(contribution)
            THEN replace(format('{:,.0f}', contribution), ',', chr(160))
            ELSE replace(replace(replace(format('{:,.1f}', contribution), ',', '_'),
                                 '.', ','), '_', chr(160)) END AS bidrag
FROM rows AS r
LEFT JOIN shown AS s ON s.figure_id = r.figure_id AND s.line = r.line_in_figure
ORDER BY r.figure_id, r.line_in_figure
