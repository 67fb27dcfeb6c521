-- Lineage of the reach per municipality: its report (persons) and its ledger row (key).
WITH rows AS (
    SELECT * FROM staged.respondents
    WHERE bidragsar = $bidragsar AND started AND key_row IS NOT NULL
)
SELECT kommunkod AS row_id, c.col_id, 'numerator' AS role, kommunkod, submission_id,
       source_file, source_sha256, source_row, antal_personer AS contribution,
       CASE c.col_id WHEN 'per_1000' THEN 'per1000' ELSE 'sum' END AS aggregation,
       'antal_personer' AS cells
FROM rows CROSS JOIN (VALUES ('personer'), ('per_1000')) AS c (col_id)
UNION ALL
SELECT kommunkod, c.col_id, CASE c.col_id WHEN 'per_1000' THEN 'denominator'
       ELSE 'numerator' END, kommunkod, NULL, key_file, key_sha256, key_row, malgrupp,
       CASE c.col_id WHEN 'per_1000' THEN 'per1000' ELSE 'sum' END, 'belopp_kr'
FROM rows CROSS JOIN (VALUES ('malgrupp'), ('per_1000')) AS c (col_id)
