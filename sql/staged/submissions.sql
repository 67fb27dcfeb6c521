-- staged.submissions: one row per return report in the exports that are in
-- raw/returns/<year>/ now (each file as it was read: a removed or replaced file's rows no
-- longer count, though they stay in raw.return_cells), less the rows an analyst withdrew
-- (raw/withdrawals/<year>.csv). Grain: bidragsar × submission_id.
--
-- The identity of a report is resolved here, by rules that do not depend on the order in
-- which files arrived (see README, "Validation"):
--   * Organisation: the municipality's name as printed ("Stockholms kommun"), short
--     ("Stockholm"), as a city ("Stockholms stad") or its kommunkod ("0180"), in any
--     Unicode whitespace or case; Inskickad: "YYYY-MM-DD hh:mm[:ss]" or ISO 8601.
--   * The same report in several rows (an export sent twice, overlapping exports) counts
--     once: the copy in the first file by name, then row; the others are status 'kopia'.
--   * The current report of a municipality is its latest by submission time. Two reports
--     of one municipality at the same time are a tie nobody can break: both are errors.
--   * A report whose identity is not resolved, whose time lies before the form opened or
--     after the build's clock, or whose Svars-ID another municipality's report also
--     carries, is never current, and its `problem` blocks publication until the analyst
--     withdraws it or a corrected file replaces it.
-- Svars-ID is the submission_id wherever it is unique; a row that shares it with another
-- (a copy, an earlier edit, a conflict) gets "<Svars-ID> (<file> rad <row>)", so that every
-- submission_id names one row.
WITH files AS (
    SELECT source_file, source_sha256 FROM raw.export_folder_state
    WHERE bidragsar = $bidragsar AND status = 'loaded'
),
withdrawn AS (
    SELECT source_file, source_row FROM raw.withdrawals WHERE bidragsar = $bidragsar
),
id_columns AS (
    SELECT question_id, column_name FROM reference.form_columns
    WHERE bidragsar = $bidragsar AND question_type = 'id'
),
id_cells AS (
    SELECT
        c.bidragsar, c.source_file, c.source_sha256, c.source_row,
        max(c.value) FILTER (WHERE i.question_id = '_submission_id') AS svars_id_text,
        max(c.value) FILTER (WHERE i.question_id = '_submitted_at') AS submitted_at_text,
        max(c.value) FILTER (WHERE i.question_id = '_kommun') AS kommun_i_fil,
        string_agg(i.column_name, ', ' ORDER BY i.column_name) FILTER (WHERE c.is_formula)
            AS formula_columns
    FROM raw.return_cells AS c
    JOIN files USING (source_file, source_sha256)
    JOIN id_columns AS i USING (column_name)
    WHERE c.bidragsar = $bidragsar
      AND NOT EXISTS (SELECT 1 FROM withdrawn AS w WHERE w.source_file = c.source_file
                      AND (w.source_row IS NULL OR w.source_row = c.source_row))
    GROUP BY ALL
),
-- Every way an export names a municipality, kept only where it names exactly one (an
-- equi-join: an OR condition made this a nested loop, quadratic at scale).
names AS (
    SELECT name, any_value(kommunkod) AS kommunkod
    FROM (SELECT lower(kommun_namn) AS name, kommunkod FROM reference.kommuner
          UNION SELECT lower(kommun), kommunkod FROM reference.kommuner
          UNION SELECT lower(regexp_replace(kommun_namn, ' kommun$', ' stad')), kommunkod
                FROM reference.kommuner WHERE kommun_namn LIKE '% kommun'
          UNION SELECT kommunkod, kommunkod FROM reference.kommuner)
    GROUP BY name
    HAVING count(DISTINCT kommunkod) = 1
),
form_opened AS (
    SELECT min(opened) AS opened FROM reference.form_window WHERE bidragsar = $bidragsar
),
resolved AS (
    SELECT
        i.*, clean_text(i.svars_id_text) AS svars_id,
        submission_time(i.submitted_at_text) AS submitted_at, n.kommunkod,
        f.opened, timezone('Europe/Stockholm', now()) AS build_clock
    FROM id_cells AS i
    LEFT JOIN names AS n ON n.name = lower(clean_text(i.kommun_i_fil))
    CROSS JOIN form_opened AS f
),
-- Rows sharing a Svars-ID are told apart by their content (only those: at scale, hashing
-- every row of every report would cost seconds for nothing).
shared_ids AS (
    SELECT svars_id FROM resolved WHERE svars_id IS NOT NULL
    GROUP BY svars_id HAVING count(*) > 1
),
contents AS (
    SELECT c.source_file, c.source_row, bit_xor(hash(c.column_name, c.value)) AS content
    FROM raw.return_cells AS c
    JOIN files USING (source_file, source_sha256)
    JOIN resolved AS r USING (source_file, source_row)
    WHERE c.bidragsar = $bidragsar AND r.svars_id IN (SELECT svars_id FROM shared_ids)
    GROUP BY ALL
),
identified AS (
    SELECT
        r.*,
        CASE
            WHEN r.svars_id IS NULL THEN 'Svars-ID saknas'
            WHEN r.formula_columns IS NOT NULL
                THEN r.formula_columns || ' innehåller en kalkylbladsformel, inte ett värde'
            WHEN r.submitted_at IS NULL
                THEN 'Inskickad ' || coalesce('''' || r.submitted_at_text || '''', 'är tom och')
                     || ' går inte att läsa som datum och tid (ÅÅÅÅ-MM-DD tt:mm:ss)'
            WHEN r.kommunkod IS NULL
                THEN 'Organisation ' || coalesce('''' || r.kommun_i_fil || '''', '(tom)')
                     || ' är ingen kommun i raw/reference/kommuner.csv (skriv namnet som'
                     || ' "Stockholms kommun" eller "Stockholm", eller kommunkoden "0180")'
            WHEN r.submitted_at > r.build_clock
                THEN 'Inskickad ' || strftime(r.submitted_at, '%Y-%m-%d %H:%M:%S')
                     || ' ligger efter byggets tidpunkt: en rapport kan inte komma från framtiden'
            WHEN CAST(r.submitted_at AS DATE) < r.opened
                THEN 'Inskickad ' || strftime(r.submitted_at, '%Y-%m-%d %H:%M:%S')
                     || ' ligger före den dag formuläret öppnade, ' || strftime(r.opened, '%Y-%m-%d')
        END AS id_problem,
        CASE
            WHEN r.svars_id IS NULL OR r.formula_columns IS NOT NULL OR r.submitted_at IS NULL
                 OR r.kommunkod IS NULL THEN 'identifierad'
            ELSE 'inskickad_efter_oppning'
        END AS id_rule,
        -- Identical copies of one report: the first by file name and row counts.
        row_number() OVER (
            PARTITION BY coalesce(r.svars_id, r.source_file || ':' || r.source_row),
                         r.kommunkod, r.submitted_at, c.content
            ORDER BY r.source_file, r.source_row) AS copy_no
    FROM resolved AS r
    LEFT JOIN contents AS c USING (source_file, source_row)
),
-- A Svars-ID belongs to the earliest report that carries it: a report of another
-- municipality submitted at the same time or later with the same id is an error, named
-- with the report whose id it took (the earlier report stays as it is).
id_conflicts AS (
    SELECT a.source_file, a.source_row,
           'Svars-ID ' || a.svars_id || ' är redan svars-ID för '
           || string_agg(coalesce(b.kommun_i_fil, '?') || ' (' || b.source_file || ', rad '
                         || b.source_row || ', inskickad '
                         || strftime(b.submitted_at, '%Y-%m-%d %H:%M:%S') || ')', '; '
                         ORDER BY b.source_file, b.source_row)
           || ': ett svars-ID hör till en rapport' AS problem
    FROM identified AS a
    JOIN identified AS b
        ON a.svars_id = b.svars_id AND a.kommunkod <> b.kommunkod
        AND b.submitted_at <= a.submitted_at
    WHERE a.svars_id IN (SELECT svars_id FROM shared_ids)
      AND a.id_problem IS NULL AND b.id_problem IS NULL
    GROUP BY a.source_file, a.source_row, a.svars_id
),
-- Two different reports of one municipality submitted at the same time.
ties AS (
    SELECT a.source_file, a.source_row,
           'inskickad vid samma tidpunkt (' || strftime(a.submitted_at, '%Y-%m-%d %H:%M:%S')
           || ') som ' || string_agg('svars-ID ' || b.svars_id || ' (' || b.source_file
                                    || ', rad ' || b.source_row || ')', '; '
                                    ORDER BY b.source_file, b.source_row)
           || ' från samma kommun: vilken som räknas går inte att avgöra; dra tillbaka en av dem'
           AS problem
    FROM identified AS a
    JOIN identified AS b
        ON a.kommunkod = b.kommunkod AND a.submitted_at = b.submitted_at
        AND (a.source_file, a.source_row) <> (b.source_file, b.source_row)
    WHERE a.id_problem IS NULL AND b.id_problem IS NULL AND a.copy_no = 1 AND b.copy_no = 1
    GROUP BY a.source_file, a.source_row, a.submitted_at
),
judged AS (
    SELECT
        i.* EXCLUDE (id_rule),
        coalesce(i.id_problem, c.problem, t.problem) AS problem,
        CASE WHEN i.id_problem IS NOT NULL THEN i.id_rule
             WHEN c.problem IS NOT NULL THEN 'svars_id_unikt'
             WHEN t.problem IS NOT NULL THEN 'entydig_senaste' END AS problem_rule
    FROM identified AS i
    LEFT JOIN id_conflicts AS c USING (source_file, source_row)
    LEFT JOIN ties AS t USING (source_file, source_row)
),
ranked AS (
    SELECT
        *,
        problem IS NULL AND copy_no = 1 AND row_number() OVER (
            PARTITION BY kommunkod, problem IS NULL AND copy_no = 1
            ORDER BY submitted_at DESC) = 1 AS is_current,
        -- The row that keeps the bare Svars-ID: the current one, else the latest clean one.
        row_number() OVER (
            PARTITION BY coalesce(svars_id, source_file || ':' || source_row)
            ORDER BY problem IS NULL AND copy_no = 1 DESC, submitted_at DESC NULLS LAST,
                     source_file, source_row) AS id_rank
    FROM judged
),
keyed AS (
    SELECT
        *,
        CASE WHEN id_rank = 1 AND svars_id IS NOT NULL THEN svars_id
             ELSE ltrim(coalesce(svars_id, '') || ' (' || regexp_extract(source_file, '[^/]+$')
                        || ' rad ' || source_row || ')') END AS submission_id
    FROM ranked
)
SELECT
    bidragsar, submission_id, submitted_at, kommun_i_fil, kommunkod,
    source_file, source_sha256, source_row, problem, problem_rule, is_current,
    CASE WHEN problem IS NULL AND copy_no = 1 THEN lead(submission_id) OVER (
        PARTITION BY kommunkod, problem IS NULL AND copy_no = 1 ORDER BY submitted_at) END
        AS superseded_by,
    CASE WHEN problem IS NOT NULL THEN 'fel' WHEN copy_no > 1 THEN 'kopia'
         WHEN is_current THEN 'aktuell' ELSE 'ersatt' END AS status,
    svars_id
FROM keyed
