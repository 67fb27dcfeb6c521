-- staged.submissions: one row per submitted return report, every version kept.
-- Grain: bidragsar × submission_id. The municipality is resolved from its name through
-- reference.kommuner; `is_current` marks the latest submission of each municipality and
-- year, `superseded_by` the submission that replaced an earlier one.
WITH id_cells AS (
    SELECT
        c.bidragsar, c.source_file, c.source_sha256, c.source_row, c.ingested_at,
        max(c.value) FILTER (WHERE fc.question_id = '_submission_id') AS submission_id,
        max(c.value) FILTER (WHERE fc.question_id = '_submitted_at') AS submitted_at_text,
        max(c.value) FILTER (WHERE fc.question_id = '_kommun') AS kommun_i_fil
    FROM raw.return_cells AS c
    JOIN reference.form_columns AS fc USING (bidragsar, column_name)
    WHERE c.bidragsar = $bidragsar AND fc.question_type = 'id'
    GROUP BY ALL
),
-- Names as exports print them ("Stockholms kommun") or short ("Stockholm"), matched by
-- equality (an equi-join: an OR condition made this a nested loop, quadratic at scale).
names AS (
    SELECT name, any_value(kommunkod) AS kommunkod
    FROM (SELECT lower(kommun_namn) AS name, kommunkod FROM reference.kommuner
          UNION SELECT lower(kommun), kommunkod FROM reference.kommuner)
    GROUP BY name
    HAVING count(DISTINCT kommunkod) = 1
),
resolved AS (
    SELECT
        i.*,
        coalesce(try_strptime(i.submitted_at_text, '%Y-%m-%d %H:%M:%S'),
                 try_strptime(i.submitted_at_text, '%Y-%m-%d %H:%M')) AS submitted_at,
        n.kommunkod
    FROM id_cells AS i
    LEFT JOIN names AS n ON n.name = lower(trim(i.kommun_i_fil))
),
-- An export sent twice carries the same submission again: its latest arrival counts.
deduplicated AS (
    SELECT * FROM resolved
    QUALIFY row_number() OVER (
        PARTITION BY coalesce(submission_id, source_file || ':' || source_row)
        ORDER BY ingested_at DESC, source_file DESC) = 1
),
judged AS (
    SELECT
        *,
        CASE
            WHEN submission_id IS NULL THEN 'the submission id is empty'
            WHEN submitted_at IS NULL
                THEN 'the submission time ' || coalesce('''' || submitted_at_text || '''', 'is empty and')
                     || ' cannot be read as YYYY-MM-DD hh:mm:ss'
            WHEN kommunkod IS NULL
                THEN 'the organisation ' || coalesce('''' || kommun_i_fil || '''', '(empty)')
                     || ' is not a municipality in raw/reference/kommuner.csv'
        END AS problem
    FROM deduplicated
)
SELECT
    bidragsar, submission_id, submitted_at, kommun_i_fil, kommunkod,
    source_file, source_sha256, source_row, ingested_at, problem,
    problem IS NULL AND row_number() OVER (
        PARTITION BY kommunkod, problem IS NULL
        ORDER BY submitted_at DESC, ingested_at DESC) = 1 AS is_current,
    CASE WHEN problem IS NULL THEN lead(submission_id) OVER (
        PARTITION BY kommunkod, problem IS NULL ORDER BY submitted_at, ingested_at) END
        AS superseded_by
FROM judged
