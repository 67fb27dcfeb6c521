-- staged.answers: the tidy form of every answer of every submission.
-- Grain: submission × question × option (one row per option of a multiple-choice
-- question, one row per answered single-valued question). Values are typed by the form:
-- amounts and counts as whole numbers (Swedish formats such as "1 273 458" and
-- "52 255,00" accepted), options as 0/1, single choices as the option's code, free text
-- as text. A value that cannot be read keeps its raw text and gets a `problem`.
WITH cells AS (
    SELECT
        s.bidragsar, s.kommunkod, s.submission_id, s.source_file, s.source_row,
        fc.position, fc.column_name, fc.question_id, fc.question_type, fc.option_code,
        c.value AS raw_value,
        regexp_replace(trim(c.value), '[ \t\x{00A0}\x{202F}]', '', 'g') AS compact
    FROM raw.return_cells AS c
    JOIN staged.submissions AS s
        USING (bidragsar, source_file, source_sha256, source_row)
    JOIN reference.form_columns AS fc USING (bidragsar, column_name)
    WHERE c.bidragsar = $bidragsar AND fc.question_type <> 'id' AND c.value IS NOT NULL
),
typed AS (
    SELECT
        cells.*,
        CASE
            WHEN question_type IN ('amount', 'count') THEN CASE
                WHEN compact ~ '^-?[0-9]+$' THEN try_cast(compact AS BIGINT)
                WHEN compact ~ '^-?[0-9]+[,.]0+$' THEN try_cast(regexp_extract(compact, '^-?[0-9]+') AS BIGINT)
            END
            WHEN question_type = 'multiple' THEN CASE
                WHEN compact IN ('1', '1,0', '1.0', 'X', 'x', 'Ja') THEN 1
                WHEN compact IN ('0', '0,0', '0.0', 'Nej') THEN 0
            END
            WHEN question_type = 'single' THEN CASE WHEN o.option_code IS NOT NULL THEN 1 END
        END AS value_num,
        CASE WHEN question_type = 'single' THEN o.option_code ELSE cells.option_code END
            AS answer_option,
        CASE WHEN question_type = 'text' THEN raw_value END AS value_text
    FROM cells
    LEFT JOIN reference.form_options AS o
        ON cells.question_type = 'single'
        AND o.bidragsar = cells.bidragsar AND o.question_id = cells.question_id
        AND lower(trim(o.option_label)) = lower(trim(cells.raw_value))
)
SELECT
    bidragsar, kommunkod, submission_id, question_id, question_type,
    answer_option AS option_code, value_num, value_text, raw_value,
    CASE
        WHEN question_type = 'text' THEN NULL
        WHEN value_num IS NOT NULL THEN NULL
        WHEN question_type IN ('amount', 'count') AND compact ~ '^-?[0-9]+[,.][0-9]+$'
            THEN '''' || raw_value || ''' is not a whole number'
        WHEN question_type IN ('amount', 'count')
            THEN '''' || raw_value || ''' is not a number'
        WHEN question_type = 'multiple'
            THEN '''' || raw_value || ''' is neither 1 (ticked) nor 0'
        WHEN question_type = 'single'
            THEN '''' || raw_value || ''' is not one of the question''s options'
    END AS problem,
    column_name, source_file, source_row, position
FROM typed
