-- The figures quoted in the running text that no table holds, one per row (col_id
-- 'varde'); figures the text takes from a table are referred to by that table's figure id
-- instead. Each figure lists the rows it is made of; signed contributions make differences
-- (not requisitioned = appropriation − requisitioned). Ties for the highest and lowest
-- regional share go to the region with more municipalities. Reads Bilaga 2 from
-- `current_cells` (the tables already derived for this year).
WITH
g AS (SELECT * FROM reference.bidragsar WHERE bidragsar = $bidragsar),
resp AS (SELECT * FROM validated.respondents WHERE bidragsar = $bidragsar),
prev AS (SELECT * FROM validated.respondents WHERE bidragsar = $bidragsar - 1),
ticks AS (
    SELECT a.question_id, a.option_code, r.*
    FROM staged.answers AS a JOIN resp AS r USING (bidragsar, submission_id)
    WHERE a.value_num = 1
),
asked AS (SELECT question_id FROM reference.form_questions WHERE bidragsar = $bidragsar),
regions AS (
    SELECT row_label AS region, value, denominator FROM current_cells
    WHERE table_id = 'bilaga2' AND col_id = 'andel'
),
extreme AS (
    SELECT 'region_hogst_andel' AS row_id, 40 AS row_order, region
    FROM (SELECT * FROM regions ORDER BY value DESC, denominator DESC LIMIT 1)
    UNION ALL
    SELECT 'region_lagst_andel', 41, region
    FROM (SELECT * FROM regions ORDER BY value, denominator DESC LIMIT 1)
),
-- Every figure: its place, aggregation, unit, whether it has an n (its denominator rows'
-- sum), and what it needs: the grant year's reference row (g), a question of the year's
-- form, or the previous year's reports.
figures (row_order, row_id, aggregation, unit, with_n, needs) AS (
    VALUES (0, 'anslag_kr', 'sum', 'kr', false, 'g'),
           (1, 'anslag_mkr', 'mkr', 'mkr', false, 'g'),
           (2, 'mottagare', 'count', 'kommuner', false, NULL),
           (3, 'rekvirerat_kr', 'sum', 'kr', false, NULL),
           (4, 'rekvirerat_mkr', 'mkr', 'mkr', false, NULL),
           (5, 'rekvirerat_andel_av_anslag', 'share', 'procent', true, 'g'),
           (6, 'ej_rekvirerat_kr', 'sum', 'kr', false, 'g'),
           (7, 'ej_rekvirerat_mkr', 'mkr', 'mkr', false, 'g'),
           (8, 'anvant_kr', 'sum', 'kr', false, NULL),
           (9, 'anvant_andel', 'share', 'procent', true, NULL),
           (10, 'oanvant_kr', 'sum', 'kr', false, NULL),
           (11, 'oanvant_mkr', 'mkr', 'mkr', false, NULL),
           (12, 'oanvant_andel', 'share', 'procent', true, NULL),
           (13, 'anvant_helt_eller_delvis', 'count', 'kommuner', true, NULL),
           (14, 'kommuner_aterbetalar', 'count', 'kommuner', true, NULL),
           (15, 'kommuner_aterbetalar_allt', 'count', 'kommuner', true, NULL),
           (16, 'aterbetalas_statskassan_kr', 'sum', 'kr', false, 'g'),
           (17, 'startat', 'count', 'kommuner', true, NULL),
           (18, 'endast_forberett', 'count', 'kommuner', true, NULL),
           (19, 'personer', 'sum', 'personer', false, NULL),
           (20, 'personer_avrundat', 'round1000', 'personer', false, NULL),
           (21, 'lonekostnad_andel', 'share', 'procent', true, NULL),
           (22, 'fristaende_aktor', 'count', 'kommuner', false, 'regi'),
           (23, 'fristaende_aktor_allt', 'count', 'kommuner', false, 'regi'),
           (24, 'enskilda_samtal_andel', 'share', 'procent', true, 'samtalsform'),
           (25, 'hembesok_andel', 'share', 'procent', true, 'samtalsplats'),
           (26, 'metod_nagon', 'count', 'kommuner', true, 'metoder'),
           (27, 'syfte_uppnatt_andel', 'share', 'procent', true, 'syfte_uppnatt'),
           (28, 'resultat_uppnatt_andel', 'share', 'procent', true, 'resultat_uppnatt'),
           (50, 'foregaende_ar_mottagare', 'count', 'kommuner', false, 'prev'),
           (51, 'foregaende_ar_oanvant_andel', 'share', 'procent', true, 'prev'),
           (52, 'foregaende_ar_personer_avrundat', 'round1000', 'personer', false, 'prev')
),
contributions (row_id, role, kommunkod, submission_id, source_file, source_sha256,
                source_row, contribution, cells) AS (
    SELECT x.id, 'value', NULL, NULL, source_file, source_sha256, source_row, anslag_kr,
        'anslag_kr' FROM g CROSS JOIN (VALUES ('anslag_kr'), ('anslag_mkr')) AS x (id)
    UNION ALL SELECT 'mottagare', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'rekvirerat' FROM resp
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, rekvirerat, 'rekvirerat'
        FROM resp CROSS JOIN (VALUES ('rekvirerat_kr'), ('rekvirerat_mkr'),
                                     ('rekvirerat_andel_av_anslag')) AS x (id)
    UNION ALL SELECT 'rekvirerat_andel_av_anslag', 'denominator', NULL, NULL, source_file,
        source_sha256, source_row, anslag_kr, 'anslag_kr' FROM g
    UNION ALL SELECT x.id, 'numerator', NULL, NULL, source_file, source_sha256, source_row,
        anslag_kr, 'anslag_kr'
        FROM g CROSS JOIN (VALUES ('ej_rekvirerat_kr'), ('ej_rekvirerat_mkr'),
                                  ('aterbetalas_statskassan_kr')) AS x (id)
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file, source_sha256,
        source_row, -rekvirerat, 'rekvirerat'
        FROM resp CROSS JOIN (VALUES ('ej_rekvirerat_kr'), ('ej_rekvirerat_mkr'),
                                     ('aterbetalas_statskassan_kr')) AS x (id)
    UNION ALL SELECT 'aterbetalas_statskassan_kr', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, oanvant, 'oanvant' FROM resp
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file, source_sha256,
        source_row, anvant, 'anvant'
        FROM resp CROSS JOIN (VALUES ('anvant_kr'), ('anvant_andel')) AS x (id)
    UNION ALL SELECT x.id, 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, rekvirerat, 'rekvirerat'
        FROM resp CROSS JOIN (VALUES ('anvant_andel'), ('oanvant_andel')) AS x (id)
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file, source_sha256,
        source_row, oanvant, 'oanvant'
        FROM resp CROSS JOIN (VALUES ('oanvant_kr'), ('oanvant_mkr'),
                                     ('oanvant_andel')) AS x (id)
    UNION ALL SELECT 'anvant_helt_eller_delvis', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, 1, 'anvant' FROM resp WHERE used_grant
    UNION ALL SELECT 'kommuner_aterbetalar', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, 1, 'oanvant' FROM resp WHERE oanvant > 0
    UNION ALL SELECT 'kommuner_aterbetalar_allt', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, 1, 'rekvirerat oanvant' FROM resp
        WHERE usage_class = 'none'
    UNION ALL SELECT x.id, 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'rekvirerat'
        FROM resp CROSS JOIN (VALUES ('anvant_helt_eller_delvis'), ('kommuner_aterbetalar'),
                                     ('kommuner_aterbetalar_allt')) AS x (id)
    UNION ALL SELECT 'startat', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'genomforande' FROM resp WHERE started
    UNION ALL SELECT 'endast_forberett', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'anvant genomforande' FROM resp
        WHERE used_grant AND NOT started
    UNION ALL SELECT x.id, 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'anvant'
        FROM resp CROSS JOIN (VALUES ('startat'), ('endast_forberett')) AS x (id)
        WHERE used_grant
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file, source_sha256,
        source_row, antal_personer, 'antal_personer'
        FROM resp CROSS JOIN (VALUES ('personer'), ('personer_avrundat'))
            AS x (id) WHERE started
    UNION ALL SELECT 'lonekostnad_andel', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, lonekostnader, 'lonekostnader' FROM resp
        WHERE used_grant
    UNION ALL SELECT 'lonekostnad_andel', 'denominator', kommunkod, submission_id,
        source_file, source_sha256, source_row, anvant, 'anvant' FROM resp
        WHERE used_grant
    UNION ALL SELECT 'fristaende_aktor', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, question_id || ':' || option_code
        FROM ticks WHERE question_id = 'regi' AND option_code IN ('delvis_fristaende', 'fristaende')
    UNION ALL SELECT 'fristaende_aktor_allt', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, 1, 'regi:fristaende' FROM ticks
        WHERE question_id = 'regi' AND option_code = 'fristaende'
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file, source_sha256,
        source_row, 1, question_id || ':' || option_code
        FROM ticks JOIN (VALUES ('enskilda_samtal_andel', 'samtalsform', 'enskilt'),
                                ('hembesok_andel', 'samtalsplats', 'hembesok'))
            AS x (id, q, o) ON question_id = x.q AND option_code = x.o
    UNION ALL SELECT x.id, 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'anvant genomforande'
        FROM resp CROSS JOIN (VALUES ('enskilda_samtal_andel'), ('hembesok_andel')) AS x (id)
        WHERE started
    UNION ALL SELECT 'metod_nagon', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'genomforande metoder:ingen'
        FROM resp AS r WHERE started AND NOT EXISTS (SELECT 1 FROM ticks AS t
            WHERE t.submission_id = r.submission_id AND t.question_id = 'metoder'
              AND t.option_code = 'ingen')
    UNION ALL SELECT 'metod_nagon', 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'anvant genomforande' FROM resp
        WHERE started
    UNION ALL SELECT x.id || '_andel', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, question_id || ':' || option_code
        FROM ticks JOIN (VALUES ('syfte_uppnatt'), ('resultat_uppnatt')) AS x (id)
            ON question_id = x.id AND option_code IN ('hog', 'ganska_hog')
    UNION ALL SELECT x.id, 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'anvant'
        FROM resp CROSS JOIN (VALUES ('syfte_uppnatt_andel'), ('resultat_uppnatt_andel'))
            AS x (id) WHERE used_grant
    UNION ALL SELECT 'vidareutveckling_' || option_code, 'numerator', kommunkod,
        submission_id, source_file, source_sha256, source_row, 1,
        question_id || ':' || option_code FROM ticks WHERE question_id = 'vidareutveckling'
    UNION ALL SELECT 'vidareutveckling_' || o.option_code, 'denominator', kommunkod,
        submission_id, source_file, source_sha256, source_row, 1,
        'anvant genomforande' FROM resp CROSS JOIN reference.form_options AS o
        WHERE started AND o.bidragsar = $bidragsar AND o.question_id = 'vidareutveckling'
    UNION ALL SELECT e.row_id, 'numerator', r.kommunkod, r.submission_id, r.source_file,
        r.source_sha256, r.source_row, 1, 'anvant'
        FROM extreme AS e JOIN reference.regioner AS g ON g.region = e.region
        JOIN reference.kommuner AS k USING (lan_kod)
        JOIN resp AS r USING (kommunkod) WHERE r.used_grant
    UNION ALL SELECT e.row_id, 'denominator', k.kommunkod, NULL, k.source_file,
        k.source_sha256, k.source_row, 1, 'lan_kod'
        FROM extreme AS e JOIN reference.regioner AS g ON g.region = e.region
        JOIN reference.kommuner AS k USING (lan_kod)
    UNION ALL SELECT 'foregaende_ar_mottagare', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, 1, 'rekvirerat' FROM prev
    UNION ALL SELECT 'foregaende_ar_oanvant_andel', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, oanvant, 'oanvant' FROM prev
    UNION ALL SELECT 'foregaende_ar_oanvant_andel', 'denominator', kommunkod, submission_id,
        source_file, source_sha256, source_row, rekvirerat, 'rekvirerat' FROM prev
    UNION ALL SELECT 'foregaende_ar_personer_avrundat', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, antal_personer, 'antal_personer'
        FROM prev
        WHERE started
)
SELECT 'figure' AS role, row_order, row_id, 'varde' AS col_id, aggregation, unit, with_n
FROM figures
WHERE needs IS NULL OR (needs = 'g' AND EXISTS (SELECT 1 FROM g))
   OR (needs = 'prev' AND EXISTS (SELECT 1 FROM prev)) OR needs IN (SELECT * FROM asked)
UNION ALL BY NAME
-- each way of developing the work (a multiple-choice question), but "other" and "none"
SELECT 'figure' AS role, 30 + o.position AS row_order,
       'vidareutveckling_' || o.option_code AS row_id, shown_label(o.option_label) AS row_label,
       'varde' AS col_id, 'share' AS aggregation, 'procent' AS unit, true AS with_n
FROM reference.form_options AS o
JOIN reference.form_questions AS q USING (bidragsar, question_id)
WHERE o.bidragsar = $bidragsar AND o.question_id = 'vidareutveckling'
  AND q.question_type = 'multiple' AND NOT o.exclusive AND o.option_code <> 'annat'
UNION ALL BY NAME
-- the regions with the highest and lowest share (quoted without their n)
SELECT 'figure' AS role, row_order, row_id, region AS row_label, 'varde' AS col_id,
       'share' AS aggregation, 'procent' AS unit, false AS with_n
FROM extreme
UNION ALL BY NAME
SELECT *, 'varde' AS col_id FROM contributions
