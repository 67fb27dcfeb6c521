-- Lineage of the reach table: each started municipality's persons (its report) and its
-- target group (its allocation key in the ledger).
WITH rows AS (
    SELECT r.*, k.lan_kod
    FROM staged.respondents AS r
    JOIN reference.kommuner AS k USING (kommunkod)
    WHERE r.bidragsar = $bidragsar AND r.started AND r.key_row IS NOT NULL
),
regions AS (SELECT lan_kod AS row_id, * FROM rows UNION ALL SELECT 'riket', * FROM rows)
SELECT row_id, c.col_id, 'numerator' AS role, kommunkod, submission_id, source_file,
       source_sha256, source_row,
       CASE c.col_id WHEN 'kommuner' THEN 1 ELSE antal_personer END AS contribution,
       CASE c.col_id WHEN 'kommuner' THEN 'count' WHEN 'per_1000' THEN 'per1000'
                     ELSE 'sum' END AS aggregation,
       CASE c.col_id WHEN 'kommuner' THEN 'genomforande' ELSE 'antal_personer'
       END AS cells
FROM regions CROSS JOIN (VALUES ('kommuner'), ('personer'), ('per_1000')) AS c (col_id)
UNION ALL
SELECT row_id, c.col_id, CASE c.col_id WHEN 'per_1000' THEN 'denominator' ELSE 'numerator'
       END, kommunkod, NULL, key_file, key_sha256, key_row, malgrupp,
       CASE c.col_id WHEN 'per_1000' THEN 'per1000' ELSE 'sum' END, 'belopp_kr'
FROM regions CROSS JOIN (VALUES ('malgrupp'), ('per_1000')) AS c (col_id)
