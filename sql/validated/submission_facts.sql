-- validated.submission_facts: one row per submission of the year (every version), with
-- the facts the grant's rules are checked on. Grain: bidragsar × submission_id.
WITH subs AS (
    SELECT
        s.*,
        CASE WHEN problem_rule = 'identifierad' THEN problem END AS id_problem,
        CASE WHEN problem_rule = 'inskickad_efter_oppning' THEN problem END AS time_problem,
        CASE WHEN problem_rule = 'svars_id_unikt' THEN problem END AS id_conflict,
        CASE WHEN problem_rule = 'entydig_senaste' THEN problem END AS tie_problem
    FROM staged.submissions AS s WHERE bidragsar = $bidragsar
),
-- The problems found in a submission's answers, by column. One answer row per submission
-- and column, so no DISTINCT: ORDER BY alone keeps the lists deterministic, and it is
-- several times cheaper at scale.
problems AS (
    SELECT
        submission_id,
        string_agg(column_name || ': ' || problem, '; ' ORDER BY column_name || ': ' || problem)
            FILTER (WHERE problem IS NOT NULL) AS value_problems,
        string_agg(column_name, '; ' ORDER BY column_name)
            FILTER (WHERE question_type IN ('amount', 'count') AND value_num < 0)
            AS negative_columns,
        string_agg(column_name, '; ' ORDER BY column_name)
            FILTER (WHERE question_type = 'text' AND suspicious_text(value_text))
            AS suspicious_text_columns
    FROM staged.answers
    WHERE bidragsar = $bidragsar
    GROUP BY submission_id
),
-- The amounts and ticks as staged (staged.submission_money), with the problems.
money AS (
    SELECT m.* EXCLUDE (bidragsar), p.* EXCLUDE (submission_id)
    FROM staged.submission_money AS m
    LEFT JOIN problems AS p USING (submission_id)
    WHERE m.bidragsar = $bidragsar
),
-- Skip logic: every question answered that the form does not ask of this submission.
-- Answer rows are checked where they are, against the submission's money and ticks, and
-- only the (few) breaking rows are grouped: grouping all 18 million answer rows at 1000×
-- by submission and question cost seconds.
conditional AS (
    SELECT question_id, asked_if FROM reference.form_questions
    WHERE bidragsar = $bidragsar AND asked_if <> 'all'
),
-- Questions asked when one of the listed options was ticked ('regi.fristaende|…').
condition_options AS (
    SELECT question_id, unnest(string_split(asked_if, '|')) AS answer FROM conditional
    WHERE asked_if NOT IN ('used', 'unused', 'started')
),
condition_met AS (
    SELECT DISTINCT a.submission_id, c.question_id
    FROM staged.answers AS a
    JOIN condition_options AS c ON a.question_id || '.' || a.option_code = c.answer
    WHERE a.bidragsar = $bidragsar AND a.value_num = 1 AND a.option_code IS NOT NULL
),
skip_violations AS (
    SELECT a.submission_id,
           string_agg(DISTINCT a.question_id, ', ' ORDER BY a.question_id)
               AS not_asked_but_answered
    FROM staged.answers AS a
    JOIN conditional AS q USING (question_id)
    JOIN money AS m USING (submission_id)
    LEFT JOIN condition_met AS c USING (submission_id, question_id)
    WHERE a.bidragsar = $bidragsar
      AND (a.value_num = 1 OR a.question_type IN ('amount', 'count', 'text', 'single'))
      AND NOT CASE
          WHEN q.asked_if = 'used' THEN coalesce(m.anvant, 0) > 0
          WHEN q.asked_if = 'unused' THEN coalesce(m.oanvant, 0) > 0
          WHEN q.asked_if = 'started' THEN coalesce(m.started, false)
          ELSE c.question_id IS NOT NULL
      END
    GROUP BY a.submission_id
),
-- Multiple-choice questions with an exclusive option ("Vet ej") ticked together with another.
exclusive_questions AS (
    SELECT DISTINCT question_id FROM reference.form_options
    WHERE bidragsar = $bidragsar AND exclusive
),
exclusive_violations AS (
    SELECT a.submission_id, a.question_id
    FROM staged.answers AS a
    JOIN reference.form_options AS o USING (bidragsar, question_id, option_code)
    WHERE a.bidragsar = $bidragsar AND a.question_type = 'multiple' AND a.value_num = 1
      AND a.question_id IN (SELECT question_id FROM exclusive_questions)
    GROUP BY a.submission_id, a.question_id
    HAVING bool_or(o.exclusive) AND count(*) > 1
),
exclusive_per_submission AS (
    SELECT submission_id,
           string_agg(question_id, ', ' ORDER BY question_id) AS exclusive_broken
    FROM exclusive_violations GROUP BY submission_id
),
grant_year AS (SELECT * FROM reference.bidragsar WHERE bidragsar = $bidragsar),
form_window AS (
    SELECT min(opened) AS opened, max(deadline) AS deadline FROM reference.form_window
    WHERE bidragsar = $bidragsar
)
SELECT
    s.bidragsar, s.submission_id, s.kommunkod, s.kommun_i_fil, s.submitted_at, s.is_current,
    s.source_file, s.source_row, s.id_problem, m.value_problems, m.negative_columns,
    m.rekvirerat, m.anvant, m.oanvant, m.lonekostnader, m.ovriga_kostnader, m.antal_personer,
    m.rekvirerat - m.oanvant AS rekvirerat_minus_oanvant,
    m.lonekostnader + m.ovriga_kostnader AS kostnader_summa,
    coalesce(m.started, false) AS started, coalesce(m.prepared, false) AS prepared,
    f.belopp_kr AS fordelningsnyckel,
    CASE WHEN g.omfordelning THEN NULL ELSE f.belopp_kr END AS tak_utan_omfordelning,
    l.belopp_kr AS rekvirerat_enligt_reskontra,
    malgrupp(f.belopp_kr, g.malgrupp_personer, g.anslag_kr) AS malgrupp_personer,
    2 * malgrupp(f.belopp_kr, g.malgrupp_personer, g.anslag_kr) AS personer_tak,
    CASE WHEN s.is_current THEN s.kommunkod END AS current_kommunkod,
    sk.not_asked_but_answered, ex.exclusive_broken, m.suspicious_text_columns,
    w.opened AS formular_oppnat, w.deadline AS sista_dag,
    CAST(s.submitted_at AS DATE) AS inskickad_dag,
    s.time_problem, s.id_conflict, s.tie_problem,
    CASE WHEN s.kommunkod IS NOT NULL AND l.belopp_kr IS NULL
         THEN 'har ingen rekvisition för ' || s.bidragsar || ' i reskontran (raw/ledger/'
              || s.bidragsar || '/rekvisitioner.csv)' END AS utan_rekvisition,
    m.belopp_fristaende
FROM subs AS s
LEFT JOIN money AS m USING (submission_id)
LEFT JOIN skip_violations AS sk USING (submission_id)
LEFT JOIN exclusive_per_submission AS ex USING (submission_id)
CROSS JOIN grant_year AS g
CROSS JOIN form_window AS w
LEFT JOIN ledger.fordelningsnyckel AS f ON f.bidragsar = s.bidragsar AND f.kommunkod = s.kommunkod
LEFT JOIN ledger.rekvisitioner AS l ON l.bidragsar = s.bidragsar AND l.kommunkod = s.kommunkod
