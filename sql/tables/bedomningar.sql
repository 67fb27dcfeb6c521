-- The judgements the running text makes, each computed from the year's figures so that
-- the words are true in any year: which answers are most common and in what order (ties
-- as ties), whether a share rose or fell, how many "most" or "almost all" is, where the
-- use is highest and lowest. One row per judgement: `value` is the figure the judgement
-- rests on (its lineage is that figure's, named by `source_figure`), `row_label` the words
-- it chose, `unit` "procent" or, for a tie, "procent_bada" (two) or "procent_alla" (more).
-- Reads the year's other tables from `current_cells` (derived before this one).
WITH
-- The shares a ranking is made of: this year's column of each multiple-choice table, and
-- the ways of developing the work from the text figures. Exclusive answers ("Nej, …") are
-- not ranked among the others; a free-text prompt ("Annat. Ange vad:") loses the prompt.
shares AS (
    SELECT c.table_id AS ranking, c.figure_id, c.row_order, c.value, c.denominator,
           '”' || regexp_replace(c.row_label, '[.,]\s*[Aa]nge\b.*$', '') || '”' AS label
    FROM current_cells AS c
    WHERE c.table_id IN ('tabell3', 'tabell4', 'tabell7', 'bilaga1_tabell3',
                         'bilaga1_tabell5', 'bilaga1_tabell6')
      AND c.col_id IN ('andel', 'andel_' || $bidragsar)
      AND c.row_id NOT IN (SELECT option_code FROM reference.form_options
                           WHERE bidragsar = $bidragsar AND exclusive)
    UNION ALL
    SELECT 'vidareutveckling', figure_id, row_order, value, denominator, '”' || row_label || '”'
    FROM current_cells WHERE table_id = 'text' AND row_id LIKE 'vidareutveckling\_%' ESCAPE '\'
),
-- Answers that share a value form one group; groups ranked from the largest share.
share_groups AS (
    SELECT ranking, value, any_value(denominator) AS denominator,
           list(label ORDER BY row_order) AS labels,
           arg_min(figure_id, row_order) AS source_figure, min(row_order) AS first_row,
           dense_rank() OVER (PARTITION BY ranking ORDER BY value DESC) AS place
    FROM shares
    WHERE value > 0  -- a ranking compares two answers at least ("Ja" alone is none)
      AND ranking IN (SELECT ranking FROM shares GROUP BY ranking HAVING count(*) >= 2)
    GROUP BY ranking, value
),
ranked AS (
    SELECT ranking || '_' || place AS row_id, ranking, place, value, denominator,
           source_figure, sv_list(labels, 'svarsalternativ') AS row_label,
           tie_unit(len(labels)) AS unit
    FROM share_groups WHERE place <= 3
),
-- The most common answer of a two-year table, against the year before (when it is one
-- answer, not a tie).
top_previous AS (
    SELECT r.ranking, r.row_label, p.figure_id AS source_figure, p.value AS previous,
           r.value AS now,
           r.source_figure AS now_figure, r.denominator, p.denominator AS previous_denominator
    FROM ranked AS r
    JOIN current_cells AS n ON n.figure_id = r.source_figure
    JOIN current_cells AS p ON p.table_id = n.table_id AND p.row_id = n.row_id
        AND p.col_id = 'andel_' || ($bidragsar - 1)
    WHERE r.place = 1 AND r.unit = 'procent'
),
regions AS (
    SELECT figure_id, row_order, row_label, value, denominator FROM current_cells
    WHERE table_id = 'bilaga2' AND col_id = 'andel'
),
region_extremes AS (
    SELECT 'region_hogst' AS row_id, max(value) AS value FROM regions
    UNION ALL SELECT 'region_lagst', min(value) FROM regions
),
region_groups AS (
    SELECT e.row_id, e.value, list(r.row_label ORDER BY r.row_order) AS labels,
           arg_min(r.figure_id, r.row_order) AS source_figure,
           arg_min(r.denominator, r.row_order) AS denominator
    FROM region_extremes AS e JOIN regions AS r USING (value)
    WHERE (SELECT max(value) > min(value) FROM regions)
    GROUP BY e.row_id, e.value
),
text_figures AS (
    SELECT row_id, value, figure_id, unit, denominator FROM current_cells
    WHERE table_id = 'text'
),
-- A figure of this year against the same figure the year before, as both are printed.
compared (row_id, now, previous, source_figure, unit, denominator, more, less, same) AS (
    SELECT 'oanvant_andel_jamfort', n.value, p.value, n.figure_id, n.unit, n.denominator,
           'högre än', 'lägre än', 'lika stor som'
    FROM text_figures AS n, text_figures AS p
    WHERE n.row_id = 'oanvant_andel' AND p.row_id = 'foregaende_ar_oanvant_andel'
    UNION ALL
    SELECT 'personer_jamfort', n.value, p.value, n.figure_id, n.unit, n.denominator,
           'fler än', 'färre än', 'lika många som'
    FROM text_figures AS n, text_figures AS p
    WHERE n.row_id = 'personer_avrundat' AND p.row_id = 'foregaende_ar_personer_avrundat'
    UNION ALL
    SELECT ranking || '_1_jamfort', now, previous, now_figure, 'procent', denominator,
           'högre än', 'lägre än', 'lika stor som'
    FROM top_previous
),
-- How many of a population a share is, in words that fit "Av kommunerna … har [ord] …".
quantified (row_id, source_figure) AS (
    SELECT 'malgrupp_80_kvantor', figure_id FROM current_cells
    WHERE table_id = 'tabell3' AND row_id = '80_plus' AND col_id = 'andel'
    UNION ALL SELECT 'enskilda_samtal_kvantor', figure_id FROM text_figures
    WHERE row_id = 'enskilda_samtal_andel'
    UNION ALL SELECT 'hembesok_kvantor', figure_id FROM text_figures
    WHERE row_id = 'hembesok_andel'
),
judgements (row_order, row_id, row_label, value, denominator, unit, source_figure) AS (
    SELECT 10 * dense_rank() OVER (ORDER BY ranking) + place,
           row_id, row_label, value, denominator, unit, source_figure FROM ranked
    UNION ALL
    SELECT 1000 + dense_rank() OVER (ORDER BY ranking), ranking || '_1_foregaende', row_label,
           previous, previous_denominator, 'procent', source_figure FROM top_previous
    UNION ALL
    SELECT 2000 + CASE row_id WHEN 'region_hogst' THEN 1 ELSE 2 END, row_id,
           sv_list(labels, 'regioner'), value, denominator, tie_unit(len(labels)), source_figure
    FROM region_groups
    UNION ALL
    SELECT 2003, 'region_alla', 'alla regioner', max(value), arg_min(denominator, row_order),
           'procent', arg_min(figure_id, row_order)
    FROM regions HAVING max(value) = min(value)
    UNION ALL
    SELECT 3000 + row_number() OVER (ORDER BY row_id), row_id,
           CASE WHEN now > previous THEN more WHEN now < previous THEN less ELSE same END,
           now, denominator, unit, source_figure
    FROM compared
    UNION ALL
    SELECT 4000 + row_number() OVER (ORDER BY q.row_id), q.row_id,
           CASE WHEN c.value >= 100 THEN 'alla'
                WHEN c.value >= 90 THEN 'nästan alla'
                WHEN c.value >= 60 THEN 'de flesta'
                WHEN c.value > 50 THEN 'drygt hälften'
                WHEN c.value >= 45 THEN 'ungefär hälften'
                WHEN c.value > 10 THEN 'en mindre del'
                WHEN c.value > 0 THEN 'några få'
                ELSE 'ingen' END,
           c.value, c.denominator, 'procent', q.source_figure
    FROM quantified AS q JOIN current_cells AS c ON c.figure_id = q.source_figure
)
-- A judgement is a figure of its own kind ('judgement'): its value and n are those of the
-- figure it rests on, and so are its source rows.
SELECT 'figure' AS role, row_order, row_id, row_label, 'varde' AS col_id,
       'judgement' AS aggregation, value, denominator, unit, source_figure
FROM judgements
