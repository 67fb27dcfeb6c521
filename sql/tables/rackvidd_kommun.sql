-- Beyond the published report: persons reached per 1 000 residents of the target group, per
-- municipality that started hälsosamtal (the target group: validated.respondents.malgrupp).
-- Rests on SYNTHETIC person counts.
WITH reached AS (
    SELECT r.*, k.kommun_namn,
           row_number() OVER (ORDER BY k.kommun_namn COLLATE sv) AS row_order
    FROM validated.respondents AS r
    JOIN reference.kommuner AS k USING (kommunkod)
    WHERE r.bidragsar = $bidragsar AND r.started AND r.key_row IS NOT NULL
),
cols (col_id, aggregation, unit, with_n) AS (
    VALUES ('personer', 'sum', 'personer', false), ('malgrupp', 'sum', 'personer', false),
           ('per_1000', 'per1000', 'per 1 000', true)
)
SELECT 'figure' AS role, row_order, kommunkod AS row_id, kommun_namn AS row_label,
       c.col_id, c.aggregation, c.unit, c.with_n
FROM reached CROSS JOIN cols AS c
UNION ALL BY NAME
-- its report (persons reached)
SELECT 'numerator' AS role, kommunkod AS row_id, c.col_id, kommunkod, submission_id,
       source_file, source_sha256, source_row, antal_personer AS contribution,
       'antal_personer' AS cells
FROM reached CROSS JOIN (VALUES ('personer'), ('per_1000')) AS c (col_id)
UNION ALL BY NAME
-- its ledger row (the allocation key, from which the target group is recovered)
SELECT CASE c.col_id WHEN 'per_1000' THEN 'denominator' ELSE 'numerator' END AS role,
       kommunkod AS row_id, c.col_id, kommunkod, key_file AS source_file,
       key_sha256 AS source_sha256, key_row AS source_row, malgrupp AS contribution,
       'belopp_kr' AS cells
FROM reached CROSS JOIN (VALUES ('malgrupp'), ('per_1000')) AS c (col_id)
