-- staged.answers: the tidy form of every answer of every submission.
-- Grain: submission × question × option (one row per option of a multiple-choice
-- question, one row per answered single-valued question). Values are typed by the form:
-- amounts and counts as whole numbers read by the Swedish rule (a space, no-break or
-- narrow space between groups of three digits, a comma before decimals: "1 273 458",
-- "52 255,00"); a period anywhere, three digits after a comma ("2,000") or digits not
-- grouped by three are ambiguous and an error naming the value, never a guess. Options
-- are 0/1, single choices the option's code, free text text. A cell holding a spreadsheet
-- formula is an error. A value that cannot be read keeps its raw text and gets a `problem`.
WITH cells AS (
    SELECT
        s.bidragsar, s.kommunkod, s.submission_id, s.source_file, s.source_row,
        fc.position, fc.column_name, fc.question_id, fc.question_type, fc.option_code,
        c.value AS raw_value, coalesce(c.is_formula, false) AS is_formula,
        replace(clean_text(c.value), '−', '-') AS spaced,
        replace(replace(clean_text(c.value), '−', '-'), ' ', '') AS compact
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
            WHEN is_formula THEN NULL
            WHEN question_type IN ('amount', 'count') THEN CASE
                WHEN spaced ~ '^-?([0-9]+|[0-9]{1,3}( [0-9]{3})+)(,0{1,2})?$'
                    THEN try_cast(regexp_extract(compact, '^-?[0-9]+') AS BIGINT)
            END
            WHEN question_type = 'multiple' THEN CASE
                WHEN compact IN ('1', '1,0', '1.0', 'X', 'x', 'Ja') THEN 1
                WHEN compact IN ('0', '0,0', '0.0', 'Nej') THEN 0
            END
            WHEN question_type = 'single' THEN CASE WHEN o.option_code IS NOT NULL THEN 1 END
        END AS value_num,
        CASE WHEN question_type = 'single' THEN o.option_code ELSE cells.option_code END
            AS answer_option,
        CASE WHEN question_type = 'text' AND NOT is_formula THEN raw_value END AS value_text
    FROM cells
    LEFT JOIN reference.form_options AS o
        ON cells.question_type = 'single'
        AND o.bidragsar = cells.bidragsar AND o.question_id = cells.question_id
        AND lower(clean_text(o.option_label)) = lower(clean_text(cells.raw_value))
)
SELECT
    bidragsar, kommunkod, submission_id, question_id, question_type,
    answer_option AS option_code, value_num, value_text, raw_value,
    CASE
        WHEN is_formula
            THEN 'cellen innehåller kalkylbladsformeln ''' || raw_value
                 || ''', inte ett värde: skriv in själva värdet'
        WHEN question_type = 'text' THEN NULL
        WHEN value_num IS NOT NULL THEN NULL
        WHEN question_type IN ('amount', 'count') AND compact ~ '[.]'
            THEN '''' || raw_value || ''' är tvetydigt: svenska tal har mellanslag mellan'
                 || ' tusental och komma före decimaler ("1 403" eller "1403"), aldrig punkt'
        WHEN question_type IN ('amount', 'count') AND spaced ~ '^-?[0-9 ]+,[0-9]{3,}$'
            THEN '''' || raw_value || ''' är tvetydigt: kommat är decimaltecken, så tre'
                 || ' siffror efter det är inte tusental; skriv "2000" eller "2 000"'
        WHEN question_type IN ('amount', 'count')
             AND spaced ~ '^-?([0-9]+|[0-9]{1,3}( [0-9]{3})+),[0-9]{1,2}$'
            THEN '''' || raw_value || ''' är inget heltal'
        WHEN question_type IN ('amount', 'count') AND spaced ~ '^-?[0-9 ]+(,[0-9]+)?$'
            THEN '''' || raw_value || ''' är tvetydigt: siffrorna grupperas tre och tre'
                 || ' från höger ("1 273 458")'
        WHEN question_type IN ('amount', 'count')
            THEN '''' || raw_value || ''' är inget tal'
        WHEN question_type = 'multiple'
            THEN '''' || raw_value || ''' är varken 1 (kryssad) eller 0'
        WHEN question_type = 'single'
            THEN '''' || raw_value || ''' är inget av frågans svarsalternativ'
    END AS problem,
    column_name, source_file, source_row, position
FROM typed
