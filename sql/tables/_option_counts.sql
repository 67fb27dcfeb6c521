-- The generic derivation of every choice-question table: how many in the population
-- ticked (or chose) each option of one question, and their share, rounded half up.
-- Parameters: $bidragsar, $question, $population. Grain: option × (antal, andel).
WITH pop AS (
    SELECT * FROM validated.respondents
    WHERE bidragsar = $bidragsar AND in_population($population, used_grant, started)
),
options AS (
    SELECT position, option_code, option_label FROM reference.form_options
    WHERE bidragsar = $bidragsar AND question_id = $question
),
ticked AS (
    SELECT a.option_code, pop.*
    FROM staged.answers AS a JOIN pop USING (bidragsar, submission_id)
    WHERE a.bidragsar = $bidragsar AND a.question_id = $question AND a.value_num = 1
),
cols (col_id, aggregation, unit, with_n) AS (
    VALUES ('antal', 'count', 'kommuner', true), ('andel', 'share', 'procent', true)
)
SELECT 'figure' AS role, o.position AS row_order, o.option_code AS row_id,
       shown_label(o.option_label) AS row_label, c.col_id, c.aggregation, c.unit, c.with_n
FROM options AS o CROSS JOIN cols AS c
UNION ALL BY NAME
-- the respondents who ticked the option
SELECT 'numerator' AS role, t.option_code AS row_id, c.col_id, t.kommunkod, t.submission_id,
       t.source_file, t.source_sha256, t.source_row, 1 AS contribution,
       $question || ':' || t.option_code AS cells
FROM ticked AS t CROSS JOIN cols AS c
UNION ALL BY NAME
-- the population: the n of the count and of the share
SELECT 'denominator' AS role, o.option_code AS row_id, c.col_id, p.kommunkod,
       p.submission_id, p.source_file, p.source_sha256, p.source_row, 1 AS contribution,
       population_cells($population) AS cells
FROM options AS o CROSS JOIN pop AS p CROSS JOIN cols AS c
