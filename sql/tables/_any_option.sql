-- The generic derivation of "did anything": the share of the population that ticked any
-- option of a question other than its exclusive "no" option. Used where the follow-up
-- reports one yes-share per question (Tabell 8). Parameters: $bidragsar, $question,
-- $population. Grain: one row (antal, andel).
WITH pop AS (
    SELECT * FROM validated.respondents
    WHERE bidragsar = $bidragsar AND in_population($population, used_grant, started)
),
did AS (
    SELECT pop.*, string_agg(a.question_id || ':' || a.option_code, ' '
                             ORDER BY a.option_code) AS ticked
    FROM staged.answers AS a
    JOIN pop USING (bidragsar, submission_id)
    JOIN reference.form_options AS o USING (bidragsar, question_id, option_code)
    WHERE a.bidragsar = $bidragsar AND a.question_id = $question
      AND a.value_num = 1 AND NOT o.exclusive
    GROUP BY ALL
),
cols (col_id, aggregation, unit, with_n) AS (
    VALUES ('antal', 'count', 'kommuner', true), ('andel', 'share', 'procent', true)
)
SELECT 'figure' AS role, 0 AS row_order, $question AS row_id, c.col_id, c.aggregation, c.unit,
       c.with_n
FROM cols AS c
UNION ALL BY NAME
-- the respondents that ticked any option but the exclusive one
SELECT 'numerator' AS role, $question AS row_id, c.col_id, kommunkod, submission_id,
       source_file, source_sha256, source_row, 1 AS contribution, ticked AS cells
FROM did CROSS JOIN cols AS c
UNION ALL BY NAME
-- the population (the share's n)
SELECT 'denominator' AS role, $question AS row_id, c.col_id, kommunkod, submission_id,
       source_file, source_sha256, source_row, 1 AS contribution,
       population_cells($population) AS cells
FROM pop CROSS JOIN cols AS c
