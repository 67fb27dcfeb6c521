-- Tabell 1: how many recipients used all, part or none of the grant.
-- Population: recipients (N = 247 in 2024). Classification: validated.respondents.usage_class.
-- Like every table: one row per figure (role 'figure': its place, unit and aggregation)
-- and one per source row that contributes to it (see README, "Tables").
WITH pop AS (SELECT * FROM validated.respondents WHERE bidragsar = $bidragsar),
classes (row_order, row_id) AS (VALUES (1, 'all'), (2, 'part'), (3, 'none')),
cols (col_id, aggregation, unit, with_n) AS (
    VALUES ('antal', 'count', 'kommuner', true), ('andel', 'share', 'procent', true)
)
SELECT 'figure' AS role, cl.row_order, cl.row_id, c.col_id, c.aggregation, c.unit,
       c.with_n
FROM classes AS cl CROSS JOIN cols AS c
UNION ALL BY NAME
-- each recipient in its class (decided by the requisitioned and the unused amount)
SELECT 'numerator' AS role, usage_class AS row_id, c.col_id, kommunkod, submission_id,
       source_file, source_sha256, source_row, 1 AS contribution,
       'rekvirerat oanvant' AS cells
FROM pop CROSS JOIN cols AS c
UNION ALL BY NAME
-- every recipient: the n of the counts and of the shares
SELECT 'denominator' AS role, cl.row_id, c.col_id, kommunkod, submission_id, source_file,
       source_sha256, source_row, 1 AS contribution, 'rekvirerat' AS cells
FROM pop CROSS JOIN classes AS cl CROSS JOIN cols AS c
