-- The generic derivation of every choice-question table: how many in the population
-- ticked (or chose) each option of one question, and their share, rounded half up.
-- Parameters: $bidragsar, $question, $population. Grain: option × (antal, andel).
WITH pop AS (
    SELECT * FROM staged.respondents
    WHERE bidragsar = $bidragsar AND in_population($population, used_grant, started)
),
n AS (SELECT count(*) AS d FROM pop),
options AS (
    SELECT position, option_code, option_label FROM reference.form_options
    WHERE bidragsar = $bidragsar AND question_id = $question
),
ticked AS (
    SELECT a.option_code, count(*) AS k
    FROM staged.answers AS a
    JOIN pop USING (bidragsar, submission_id)
    WHERE a.bidragsar = $bidragsar AND a.question_id = $question AND a.value_num = 1
    GROUP BY a.option_code
)
SELECT
    o.position AS row_order, o.option_code AS row_id, shown_label(o.option_label) AS row_label,
    c.col_id,
    CASE c.col_id WHEN 'antal' THEN coalesce(t.k, 0) ELSE pct(coalesce(t.k, 0), n.d) END
        AS value,
    n.d AS denominator,
    CASE c.col_id WHEN 'antal' THEN 'kommuner' ELSE 'procent' END AS unit
FROM options AS o
CROSS JOIN n
CROSS JOIN (VALUES ('antal'), ('andel')) AS c (col_id)
LEFT JOIN ticked AS t USING (option_code)
