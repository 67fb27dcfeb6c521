-- Lineage of the generic choice-question tables: the respondents who ticked each option
-- (numerator) and the population (denominator, of the count's n and of the share).
WITH pop AS (
    SELECT * FROM staged.respondents
    WHERE bidragsar = $bidragsar AND in_population($population, used_grant, started)
),
options AS (
    SELECT option_code FROM reference.form_options
    WHERE bidragsar = $bidragsar AND question_id = $question
),
ticked AS (
    SELECT a.option_code, pop.*
    FROM staged.answers AS a JOIN pop USING (bidragsar, submission_id)
    WHERE a.bidragsar = $bidragsar AND a.question_id = $question AND a.value_num = 1
)
SELECT t.option_code AS row_id, c.col_id, 'numerator' AS role, t.kommunkod,
       t.submission_id, t.source_file, t.source_sha256, t.source_row, 1 AS contribution,
       c.aggregation, $question || ':' || t.option_code AS cells
FROM ticked AS t CROSS JOIN (VALUES ('antal', 'count'), ('andel', 'share')) AS c (col_id, aggregation)
UNION ALL
SELECT o.option_code, c.col_id, 'denominator', p.kommunkod, p.submission_id, p.source_file,
       p.source_sha256, p.source_row, 1, c.aggregation, population_cells($population)
FROM options AS o CROSS JOIN pop AS p
CROSS JOIN (VALUES ('antal', 'count'), ('andel', 'share')) AS c (col_id, aggregation)
