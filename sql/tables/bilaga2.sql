-- Bilaga 2: per region, the municipalities, the recipients, those that used all or part of
-- the grant, and their share of ALL municipalities in the region (the definition that
-- reproduces the published extremes: Region Skåne 100 %, Region Östergötland 54 %).
WITH munis AS (SELECT * FROM reference.kommuner),
resp AS (SELECT * FROM validated.respondents WHERE bidragsar = $bidragsar),
cols (col_id, aggregation, unit, with_n) AS (
    VALUES ('kommuner', 'count', 'kommuner', false), ('mottagare', 'count', 'kommuner', false),
           ('anvant', 'count', 'kommuner', false), ('andel', 'share', 'procent', true)
)
SELECT 'figure' AS role, g.ordning_norr_till_soder AS row_order, g.lan_kod AS row_id,
       g.region AS row_label, c.col_id, c.aggregation, c.unit, c.with_n
FROM reference.regioner AS g CROSS JOIN cols AS c
WHERE g.lan_kod IN (SELECT lan_kod FROM munis)
UNION ALL BY NAME
-- every municipality of the region (reference rows): counted, and the share's n
SELECT CASE c.col_id WHEN 'andel' THEN 'denominator' ELSE 'numerator' END AS role,
       m.lan_kod AS row_id, c.col_id, m.kommunkod, m.source_file, m.source_sha256,
       m.source_row, 1 AS contribution, 'lan_kod' AS cells
FROM munis AS m CROSS JOIN (VALUES ('kommuner'), ('andel')) AS c (col_id)
UNION ALL BY NAME
-- the recipients, and those that used the grant (their reports)
SELECT 'numerator' AS role, m.lan_kod AS row_id, c.col_id, r.kommunkod, r.submission_id,
       r.source_file, r.source_sha256, r.source_row, 1 AS contribution,
       CASE c.col_id WHEN 'mottagare' THEN 'rekvirerat' ELSE 'anvant' END AS cells
FROM resp AS r JOIN munis AS m USING (kommunkod)
CROSS JOIN (VALUES ('mottagare'), ('anvant'), ('andel')) AS c (col_id)
WHERE c.col_id = 'mottagare' OR r.used_grant
