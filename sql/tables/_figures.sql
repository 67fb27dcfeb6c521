-- The one generic step from source rows to figures: one run of a table's SQL (its rows in
-- `current_rows`, run $run) made into its cells, labelled from the table's definition
-- (`_columns` and `_rows` hold its labels). A figure's value is its aggregation of its
-- numerator and value rows (count, sum, largest, share of the denominator rows' sum, …,
-- see the macro figure_value); its n, for a figure printed with one (with_n), is the sum
-- of its denominator rows (0 for an empty population). A judgement
-- carries its value and n itself (see bedomningar.sql).
WITH rows AS (SELECT * FROM current_rows WHERE run = $run),
sums AS (
    SELECT figure_id,
           count(*) FILTER (WHERE role <> 'denominator') AS n,
           sum(contribution) FILTER (WHERE role <> 'denominator') AS total,
           max(contribution) FILTER (WHERE role <> 'denominator') AS largest,
           sum(contribution) FILTER (WHERE role = 'denominator') AS denominator
    FROM rows WHERE role <> 'figure' GROUP BY figure_id
)
SELECT
    CAST($year AS INTEGER) AS bidragsar,
    $table_id AS table_id,
    f.figure_id,
    f.row_order + $part_offset AS row_order,
    f.row_id,
    coalesce(_rows.row_label, CAST($part_label AS VARCHAR), f.row_label) AS row_label,
    CAST(_columns.col_order + $col_offset AS INTEGER) AS col_order,
    f.col_id,
    _columns.col_label || $label_suffix AS col_label,
    CASE f.aggregation WHEN 'judgement' THEN f.value
        ELSE figure_value(f.aggregation, coalesce(s.n, 0), s.total, s.largest, s.denominator)
    END AS value,
    CASE WHEN f.aggregation = 'judgement' THEN f.denominator
         WHEN f.with_n THEN CAST(coalesce(s.denominator, 0) AS BIGINT)
    END AS denominator,
    f.unit,
    CAST($data_year AS INTEGER) AS data_year,
    f.aggregation
FROM rows AS f
JOIN _columns ON _columns.col_id = f.base_col_id
LEFT JOIN _rows ON _rows.row_id = f.row_id
LEFT JOIN sums AS s USING (figure_id)
WHERE f.role = 'figure'
