-- Lineage of the yes-share tables (Tabell 8): respondents that ticked any option but the
-- exclusive one (numerator) and the population (denominator).
WITH pop AS (
    SELECT * FROM staged.respondents
    WHERE bidragsar = $bidragsar AND in_population($population, used_grant, started)
),
did AS (
    SELECT pop.*, string_agg(a.question_id || ':' || a.option_code, ' '
                             ORDER BY a.option_code) AS cells
    FROM staged.answers AS a
    JOIN pop USING (bidragsar, submission_id)
    JOIN reference.form_options AS o USING (bidragsar, question_id, option_code)
    WHERE a.bidragsar = $bidragsar AND a.question_id = $question
      AND a.value_num = 1 AND NOT o.exclusive
    GROUP BY ALL
)
SELECT $question AS row_id, c.col_id, 'numerator' AS role, kommunkod, submission_id,
       source_file, source_sha256, source_row, 1 AS contribution,
       CASE c.col_id WHEN 'antal' THEN 'count' ELSE 'share' END AS aggregation, cells
FROM did CROSS JOIN (VALUES ('antal'), ('andel')) AS c (col_id)
UNION ALL
SELECT $question, 'andel', 'denominator', kommunkod, submission_id, source_file,
       source_sha256, source_row, 1, 'share', population_cells($population)
FROM pop
