-- Lineage of the generic choice-question tables: the respondents who ticked each option
-- (numerator) and the population (denominator).
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
SELECT t.option_code AS row_id, 'antal' AS col_id, 'numerator' AS role, t.kommunkod,
       t.submission_id, t.source_file, t.source_sha256, t.source_row, 1 AS contribution,
       'count' AS aggregation
FROM ticked AS t
UNION ALL
SELECT t.option_code, 'andel', 'numerator', t.kommunkod, t.submission_id, t.source_file,
       t.source_sha256, t.source_row, 1, 'share'
FROM ticked AS t
UNION ALL
SELECT o.option_code, 'andel', 'denominator', p.kommunkod, p.submission_id, p.source_file,
       p.source_sha256, p.source_row, 1, 'share'
FROM options AS o CROSS JOIN pop AS p
