-- Beyond the published report: persons reached per 1 000 residents of the target group
-- (aged 80+ without elderly care), per region and in total, for the municipalities that
-- started hälsosamtal. The target group of a municipality is recovered from its allocation
-- key: key = round(n · appropriation / target population of the country), so
-- n = round(key · target population / appropriation). Rests on SYNTHETIC person counts.
WITH reached AS (
    SELECT r.*, k.lan_kod
    FROM validated.respondents AS r
    JOIN reference.kommuner AS k USING (kommunkod)
    WHERE r.bidragsar = $bidragsar AND r.started AND r.key_row IS NOT NULL
),
-- each municipality in its region and in the country's row
regions AS (SELECT lan_kod AS row_id, * FROM reached UNION ALL SELECT 'riket', * FROM reached),
cols (col_id, aggregation, unit, with_n) AS (
    VALUES ('kommuner', 'count', 'kommuner', false), ('personer', 'sum', 'personer', false),
           ('malgrupp', 'sum', 'personer', false), ('per_1000', 'per1000', 'per 1 000', true)
)
-- a figure per column for every region with a started municipality, and for the country
SELECT 'figure' AS role, coalesce(g.ordning_norr_till_soder, 100) AS row_order, r.row_id,
       coalesce(g.region, 'Riket') AS row_label, c.col_id, c.aggregation, c.unit, c.with_n
FROM (SELECT row_id FROM regions UNION SELECT 'riket') AS r
LEFT JOIN reference.regioner AS g ON g.lan_kod = r.row_id
CROSS JOIN cols AS c
UNION ALL BY NAME
-- the persons each municipality reached (its report)
SELECT 'numerator' AS role, row_id, c.col_id, kommunkod, submission_id, source_file,
       source_sha256, source_row,
       CASE c.col_id WHEN 'kommuner' THEN 1 ELSE antal_personer END AS contribution,
       CASE c.col_id WHEN 'kommuner' THEN 'genomforande' ELSE 'antal_personer' END AS cells
FROM regions CROSS JOIN (VALUES ('kommuner'), ('personer'), ('per_1000')) AS c (col_id)
UNION ALL BY NAME
-- its target group (its allocation key in the ledger)
SELECT CASE c.col_id WHEN 'per_1000' THEN 'denominator' ELSE 'numerator' END AS role,
       row_id, c.col_id, kommunkod, key_file AS source_file, key_sha256 AS source_sha256,
       key_row AS source_row, malgrupp AS contribution, 'belopp_kr' AS cells
FROM regions CROSS JOIN (VALUES ('malgrupp'), ('per_1000')) AS c (col_id)
