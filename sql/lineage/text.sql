-- Lineage of the figures in the running text. Each figure lists the rows it is made of;
-- signed contributions make differences (not requisitioned = appropriation − requisitioned).
WITH
g AS (SELECT * FROM reference.bidragsar WHERE bidragsar = $bidragsar),
resp AS (SELECT * FROM staged.respondents WHERE bidragsar = $bidragsar),
prev AS (SELECT * FROM staged.respondents WHERE bidragsar = $bidragsar - 1),
ticks AS (
    SELECT a.question_id, a.option_code, r.*
    FROM staged.answers AS a JOIN resp AS r USING (bidragsar, submission_id)
    WHERE a.value_num = 1
),
regions AS (
    SELECT row_label AS region, value, denominator FROM tables.cells
    WHERE bidragsar = $bidragsar AND table_id = 'bilaga2' AND col_id = 'andel'
),
extreme AS (
    SELECT 'region_hogst_andel' AS row_id, region
    FROM (SELECT * FROM regions ORDER BY value DESC, denominator DESC LIMIT 1)
    UNION ALL
    SELECT 'region_lagst_andel', region
    FROM (SELECT * FROM regions ORDER BY value, denominator DESC LIMIT 1)
),
lines (row_id, role, kommunkod, submission_id, source_file, source_sha256, source_row,
       contribution, aggregation, cells) AS (
    SELECT x.id, 'value', NULL, NULL, source_file, source_sha256, source_row, anslag_kr, x.agg,
        'anslag_kr' FROM g CROSS JOIN (VALUES ('anslag_kr', 'sum'), ('anslag_mkr', 'mkr')) AS x (id, agg)
    UNION ALL SELECT 'mottagare', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', 'rekvirerat' FROM resp
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, rekvirerat, x.agg, 'rekvirerat'
        FROM resp CROSS JOIN (VALUES ('rekvirerat_kr', 'sum'), ('rekvirerat_mkr', 'mkr'),
                                     ('rekvirerat_andel_av_anslag', 'share')) AS x (id, agg)
    UNION ALL SELECT 'rekvirerat_andel_av_anslag', 'denominator', NULL, NULL, source_file,
        source_sha256, source_row, anslag_kr, 'share', 'anslag_kr' FROM g
    UNION ALL SELECT x.id, 'numerator', NULL, NULL, source_file, source_sha256, source_row,
        anslag_kr, x.agg, 'anslag_kr'
        FROM g CROSS JOIN (VALUES ('ej_rekvirerat_kr', 'sum'), ('ej_rekvirerat_mkr', 'mkr'),
                                  ('aterbetalas_statskassan_kr', 'sum')) AS x (id, agg)
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file, source_sha256,
        source_row, -rekvirerat, x.agg, 'rekvirerat'
        FROM resp CROSS JOIN (VALUES ('ej_rekvirerat_kr', 'sum'), ('ej_rekvirerat_mkr', 'mkr'),
                                     ('aterbetalas_statskassan_kr', 'sum')) AS x (id, agg)
    UNION ALL SELECT 'aterbetalas_statskassan_kr', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, oanvant, 'sum', 'oanvant' FROM resp
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file, source_sha256,
        source_row, anvant, x.agg, 'anvant'
        FROM resp CROSS JOIN (VALUES ('anvant_kr', 'sum'), ('anvant_andel', 'share')) AS x (id, agg)
    UNION ALL SELECT x.id, 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, rekvirerat, 'share', 'rekvirerat'
        FROM resp CROSS JOIN (VALUES ('anvant_andel'), ('oanvant_andel')) AS x (id)
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file, source_sha256,
        source_row, oanvant, x.agg, 'oanvant'
        FROM resp CROSS JOIN (VALUES ('oanvant_kr', 'sum'), ('oanvant_mkr', 'mkr'),
                                     ('oanvant_andel', 'share')) AS x (id, agg)
    UNION ALL SELECT 'anvant_helt_eller_delvis', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, 1, 'count', 'anvant' FROM resp WHERE used_grant
    UNION ALL SELECT 'kommuner_aterbetalar', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, 1, 'count', 'oanvant' FROM resp WHERE oanvant > 0
    UNION ALL SELECT 'kommuner_aterbetalar_allt', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, 1, 'count', 'rekvirerat oanvant' FROM resp
        WHERE usage_class = 'none'
    UNION ALL SELECT x.id, 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', 'rekvirerat'
        FROM resp CROSS JOIN (VALUES ('anvant_helt_eller_delvis'), ('kommuner_aterbetalar'),
                                     ('kommuner_aterbetalar_allt')) AS x (id)
    UNION ALL SELECT 'startat', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', 'genomforande' FROM resp WHERE started
    UNION ALL SELECT 'endast_forberett', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', 'anvant genomforande' FROM resp
        WHERE used_grant AND NOT started
    UNION ALL SELECT x.id, 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', 'anvant'
        FROM resp CROSS JOIN (VALUES ('startat'), ('endast_forberett')) AS x (id)
        WHERE used_grant
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file, source_sha256,
        source_row, antal_personer, x.agg, 'antal_personer'
        FROM resp CROSS JOIN (VALUES ('personer', 'sum'), ('personer_avrundat', 'round1000'))
            AS x (id, agg) WHERE started
    UNION ALL SELECT 'lonekostnad_andel', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, lonekostnader, 'share', 'lonekostnader' FROM resp
        WHERE used_grant
    UNION ALL SELECT 'lonekostnad_andel', 'denominator', kommunkod, submission_id,
        source_file, source_sha256, source_row, anvant, 'share', 'anvant' FROM resp
        WHERE used_grant
    UNION ALL SELECT 'fristaende_aktor', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', question_id || ':' || option_code
        FROM ticks WHERE question_id = 'regi' AND option_code IN ('delvis_fristaende', 'fristaende')
    UNION ALL SELECT 'fristaende_aktor_allt', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, 1, 'count', 'regi:fristaende' FROM ticks
        WHERE question_id = 'regi' AND option_code = 'fristaende'
    UNION ALL SELECT x.id, 'numerator', kommunkod, submission_id, source_file, source_sha256,
        source_row, 1, 'share', question_id || ':' || option_code
        FROM ticks JOIN (VALUES ('enskilda_samtal_andel', 'samtalsform', 'enskilt'),
                                ('hembesok_andel', 'samtalsplats', 'hembesok'))
            AS x (id, q, o) ON question_id = x.q AND option_code = x.o
    UNION ALL SELECT x.id, 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'share', 'anvant genomforande'
        FROM resp CROSS JOIN (VALUES ('enskilda_samtal_andel'), ('hembesok_andel')) AS x (id)
        WHERE started
    UNION ALL SELECT 'metod_nagon', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', 'genomforande metoder:ingen'
        FROM resp AS r WHERE started AND NOT EXISTS (SELECT 1 FROM ticks AS t
            WHERE t.submission_id = r.submission_id AND t.question_id = 'metoder'
              AND t.option_code = 'ingen')
    UNION ALL SELECT 'metod_nagon', 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', 'anvant genomforande' FROM resp
        WHERE started
    UNION ALL SELECT x.id || '_andel', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'share', question_id || ':' || option_code
        FROM ticks JOIN (VALUES ('syfte_uppnatt'), ('resultat_uppnatt')) AS x (id)
            ON question_id = x.id AND option_code IN ('hog', 'ganska_hog')
    UNION ALL SELECT x.id, 'denominator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'share', 'anvant'
        FROM resp CROSS JOIN (VALUES ('syfte_uppnatt_andel'), ('resultat_uppnatt_andel'))
            AS x (id) WHERE used_grant
    UNION ALL SELECT 'vidareutveckling_' || option_code, 'numerator', kommunkod,
        submission_id, source_file, source_sha256, source_row, 1, 'share',
        question_id || ':' || option_code FROM ticks WHERE question_id = 'vidareutveckling'
    UNION ALL SELECT 'vidareutveckling_' || o.option_code, 'denominator', kommunkod,
        submission_id, source_file, source_sha256, source_row, 1, 'share',
        'anvant genomforande' FROM resp CROSS JOIN reference.form_options AS o
        WHERE started AND o.bidragsar = $bidragsar AND o.question_id = 'vidareutveckling'
    UNION ALL SELECT e.row_id, 'numerator', r.kommunkod, r.submission_id, r.source_file,
        r.source_sha256, r.source_row, 1, 'share', 'anvant'
        FROM extreme AS e JOIN reference.regioner AS g ON g.region = e.region
        JOIN reference.kommuner AS k USING (lan_kod)
        JOIN resp AS r USING (kommunkod) WHERE r.used_grant
    UNION ALL SELECT e.row_id, 'denominator', k.kommunkod, NULL, k.source_file,
        k.source_sha256, k.source_row, 1, 'share', 'lan_kod'
        FROM extreme AS e JOIN reference.regioner AS g ON g.region = e.region
        JOIN reference.kommuner AS k USING (lan_kod)
    UNION ALL SELECT 'foregaende_ar_mottagare', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, 1, 'count', 'rekvirerat' FROM prev
    UNION ALL SELECT 'foregaende_ar_oanvant_andel', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, oanvant, 'share', 'oanvant' FROM prev
    UNION ALL SELECT 'foregaende_ar_oanvant_andel', 'denominator', kommunkod, submission_id,
        source_file, source_sha256, source_row, rekvirerat, 'share', 'rekvirerat' FROM prev
    UNION ALL SELECT 'foregaende_ar_personer_avrundat', 'numerator', kommunkod, submission_id,
        source_file, source_sha256, source_row, antal_personer, 'round1000', 'antal_personer'
        FROM prev
        WHERE started
)
SELECT row_id, 'varde' AS col_id, * EXCLUDE (row_id) FROM lines
