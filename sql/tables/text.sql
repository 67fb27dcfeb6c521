-- The figures quoted in the running text that no table holds. Ties for the highest and
-- lowest regional share go to the region with more municipalities.
-- One row per figure
-- (col_id 'varde'); figures the text takes from a table are referred to by that table's
-- figure id instead. `current_cells` holds the tables already derived for this year.
WITH
grant_year AS (SELECT * FROM reference.bidragsar WHERE bidragsar = $bidragsar),
resp AS (SELECT * FROM staged.respondents WHERE bidragsar = $bidragsar),
prev AS (SELECT * FROM staged.respondents WHERE bidragsar = $bidragsar - 1),
answers AS (
    SELECT a.* FROM staged.answers AS a JOIN resp USING (bidragsar, submission_id)
    WHERE a.value_num = 1
),
money AS (
    SELECT count(*) AS mottagare, sum(rekvirerat) AS rekvirerat, sum(anvant) AS anvant,
           sum(oanvant) AS oanvant, sum(lonekostnader) AS lon,
           count(*) FILTER (WHERE used_grant) AS used,
           count(*) FILTER (WHERE started) AS started,
           count(*) FILTER (WHERE oanvant > 0) AS repay,
           count(*) FILTER (WHERE usage_class = 'none') AS repay_all,
           sum(antal_personer) AS personer
    FROM resp
),
prev_money AS (
    SELECT count(*) AS mottagare, sum(rekvirerat) AS rekvirerat, sum(oanvant) AS oanvant,
           sum(antal_personer) AS personer
    FROM prev
),
questions AS (
    SELECT question_id FROM reference.form_questions WHERE bidragsar = $bidragsar
),
option_count AS (
    SELECT question_id, option_code, count(*) AS k FROM answers GROUP BY ALL
),
opt AS (
    SELECT question_id || '.' || option_code AS id, k FROM option_count
),
regions AS (
    SELECT row_label, value, denominator FROM current_cells
    WHERE table_id = 'bilaga2' AND col_id = 'andel'
),
figures (row_order, row_id, value, denominator, unit, row_label) AS (
    SELECT 1, 'anslag_kr', anslag_kr, NULL, 'kr', NULL FROM grant_year
    UNION ALL SELECT 1, 'anslag_mkr', mkr(anslag_kr), NULL, 'mkr', NULL FROM grant_year
    UNION ALL SELECT 2, 'mottagare', mottagare, NULL, 'kommuner', NULL FROM money
    UNION ALL SELECT 3, 'rekvirerat_kr', rekvirerat, NULL, 'kr', NULL FROM money
    UNION ALL SELECT 4, 'rekvirerat_mkr', mkr(rekvirerat), NULL, 'mkr', NULL FROM money
    UNION ALL SELECT 5, 'rekvirerat_andel_av_anslag', pct(rekvirerat, anslag_kr), anslag_kr,
        'procent', NULL FROM money, grant_year
    UNION ALL SELECT 6, 'ej_rekvirerat_kr', anslag_kr - rekvirerat, NULL, 'kr', NULL
        FROM money, grant_year
    UNION ALL SELECT 7, 'ej_rekvirerat_mkr', mkr(anslag_kr - rekvirerat), NULL, 'mkr', NULL
        FROM money, grant_year
    UNION ALL SELECT 8, 'anvant_kr', anvant, NULL, 'kr', NULL FROM money
    UNION ALL SELECT 9, 'anvant_andel', pct(anvant, rekvirerat), rekvirerat, 'procent', NULL
        FROM money
    UNION ALL SELECT 10, 'oanvant_kr', oanvant, NULL, 'kr', NULL FROM money
    UNION ALL SELECT 11, 'oanvant_mkr', mkr(oanvant), NULL, 'mkr', NULL FROM money
    UNION ALL SELECT 12, 'oanvant_andel', pct(oanvant, rekvirerat), rekvirerat, 'procent',
        NULL FROM money
    UNION ALL SELECT 13, 'anvant_helt_eller_delvis', used, mottagare, 'kommuner', NULL
        FROM money
    UNION ALL SELECT 14, 'kommuner_aterbetalar', repay, mottagare, 'kommuner', NULL FROM money
    UNION ALL SELECT 15, 'kommuner_aterbetalar_allt', repay_all, mottagare, 'kommuner', NULL
        FROM money
    UNION ALL SELECT 16, 'aterbetalas_statskassan_kr', anslag_kr - rekvirerat + oanvant, NULL,
        'kr', NULL FROM money, grant_year
    UNION ALL SELECT 17, 'startat', started, used, 'kommuner', NULL FROM money
    UNION ALL SELECT 18, 'endast_forberett', used - started, used, 'kommuner', NULL FROM money
    UNION ALL SELECT 19, 'personer', personer, NULL, 'personer', NULL FROM money
    UNION ALL SELECT 20, 'personer_avrundat', round(personer, -3), NULL, 'personer', NULL
        FROM money
    UNION ALL SELECT 21, 'lonekostnad_andel', pct(lon, anvant), anvant, 'procent', NULL
        FROM money
    UNION ALL SELECT 22, 'fristaende_aktor', coalesce(sum(k), 0), NULL, 'kommuner', NULL
        FROM opt WHERE id IN ('regi.delvis_fristaende', 'regi.fristaende')
        HAVING 'regi' IN (SELECT * FROM questions)
    UNION ALL SELECT 23, 'fristaende_aktor_allt', coalesce(sum(k), 0), NULL, 'kommuner', NULL
        FROM opt WHERE id = 'regi.fristaende'
        HAVING 'regi' IN (SELECT * FROM questions)
    UNION ALL SELECT 24, 'enskilda_samtal_andel', pct(coalesce(sum(k), 0), any_value(started)),
        any_value(started), 'procent', NULL
        FROM opt, money WHERE id = 'samtalsform.enskilt'
        HAVING 'samtalsform' IN (SELECT * FROM questions)
    UNION ALL SELECT 25, 'hembesok_andel', pct(coalesce(sum(k), 0), any_value(started)),
        any_value(started), 'procent', NULL
        FROM opt, money WHERE id = 'samtalsplats.hembesok'
        HAVING 'samtalsplats' IN (SELECT * FROM questions)
    UNION ALL SELECT 26, 'metod_nagon', started - coalesce(max(k), 0), started, 'kommuner', NULL
        FROM money LEFT JOIN opt ON id = 'metoder.ingen' GROUP BY started
        HAVING 'metoder' IN (SELECT * FROM questions)
    UNION ALL SELECT 27, 'syfte_uppnatt_andel', pct(coalesce(sum(k), 0), any_value(used)),
        any_value(used), 'procent', NULL
        FROM opt, money WHERE id IN ('syfte_uppnatt.hog', 'syfte_uppnatt.ganska_hog')
        HAVING 'syfte_uppnatt' IN (SELECT * FROM questions)
    UNION ALL SELECT 28, 'resultat_uppnatt_andel', pct(coalesce(sum(k), 0), any_value(used)),
        any_value(used), 'procent', NULL
        FROM opt, money WHERE id IN ('resultat_uppnatt.hog', 'resultat_uppnatt.ganska_hog')
        HAVING 'resultat_uppnatt' IN (SELECT * FROM questions)
    UNION ALL SELECT 30 + o.position, 'vidareutveckling_' || o.option_code,
        pct(coalesce(k, 0), started), started, 'procent', shown_label(o.option_label)
        FROM reference.form_options AS o CROSS JOIN money
        LEFT JOIN opt ON id = 'vidareutveckling.' || o.option_code
        WHERE o.bidragsar = $bidragsar AND o.question_id = 'vidareutveckling'
          AND NOT o.exclusive AND o.option_code <> 'annat'
          AND o.question_id IN (SELECT * FROM questions)
          AND EXISTS (SELECT 1 FROM reference.form_questions WHERE bidragsar = $bidragsar
                      AND question_id = 'vidareutveckling' AND question_type = 'multiple')
    UNION ALL SELECT 40, 'region_hogst_andel', value, NULL, 'procent', row_label
        FROM (SELECT * FROM regions ORDER BY value DESC, denominator DESC LIMIT 1)
    UNION ALL SELECT 41, 'region_lagst_andel', value, NULL, 'procent', row_label
        FROM (SELECT * FROM regions ORDER BY value, denominator DESC LIMIT 1)
    UNION ALL SELECT 50, 'foregaende_ar_mottagare', mottagare, NULL, 'kommuner', NULL
        FROM prev_money WHERE mottagare > 0
    UNION ALL SELECT 51, 'foregaende_ar_oanvant_andel', pct(oanvant, rekvirerat), rekvirerat,
        'procent', NULL FROM prev_money WHERE mottagare > 0
    UNION ALL SELECT 52, 'foregaende_ar_personer_avrundat', round(personer, -3), NULL,
        'personer', NULL FROM prev_money WHERE mottagare > 0
)
SELECT row_order, row_id, row_label, 'varde' AS col_id, value, denominator, unit FROM figures
