-- The generic derivation of "did anything": the share of the population that ticked any
-- option of a question other than its exclusive "no" option. Used where the follow-up
-- reports one yes-share per question (Tabell 8). Parameters: $bidragsar, $question,
-- $population. Grain: one row (antal, andel).
WITH pop AS (
    SELECT * FROM staged.respondents
    WHERE bidragsar = $bidragsar AND in_population($population, used_grant, started)
),
n AS (SELECT count(*) AS d FROM pop),
did AS (
    SELECT count(DISTINCT a.submission_id) AS k
    FROM staged.answers AS a
    JOIN pop USING (bidragsar, submission_id)
    JOIN reference.form_options AS o USING (bidragsar, question_id, option_code)
    WHERE a.bidragsar = $bidragsar AND a.question_id = $question
      AND a.value_num = 1 AND NOT o.exclusive
)
SELECT 0 AS row_order, $question AS row_id, NULL AS row_label, c.col_id,
    CASE c.col_id WHEN 'antal' THEN did.k ELSE pct(did.k, n.d) END AS value,
    n.d AS denominator,
    CASE c.col_id WHEN 'antal' THEN 'kommuner' ELSE 'procent' END AS unit
FROM n CROSS JOIN did CROSS JOIN (VALUES ('antal'), ('andel')) AS c (col_id)
