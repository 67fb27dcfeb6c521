-- Lineage of the reach per municipality: its report (persons) and its ledger row (key).
WITH g AS (SELECT * FROM reference.bidragsar WHERE bidragsar = $bidragsar),
rows AS (
    SELECT r.*, f.source_file AS key_file, f.source_sha256 AS key_sha, f.source_row AS key_row,
           malgrupp(f.belopp_kr, g.malgrupp_personer, g.anslag_kr) AS malgrupp
    FROM staged.respondents AS r
    JOIN ledger.fordelningsnyckel AS f USING (bidragsar, kommunkod)
    CROSS JOIN g
    WHERE r.bidragsar = $bidragsar AND r.started
)
SELECT kommunkod AS row_id, c.col_id, 'numerator' AS role, kommunkod, submission_id,
       source_file, source_sha256, source_row, antal_personer AS contribution,
       CASE c.col_id WHEN 'per_1000' THEN 'per1000' ELSE 'sum' END AS aggregation
FROM rows CROSS JOIN (VALUES ('personer'), ('per_1000')) AS c (col_id)
UNION ALL
SELECT kommunkod, c.col_id, CASE c.col_id WHEN 'per_1000' THEN 'denominator'
       ELSE 'numerator' END, kommunkod, NULL, key_file, key_sha, key_row, malgrupp,
       CASE c.col_id WHEN 'per_1000' THEN 'per1000' ELSE 'sum' END
FROM rows CROSS JOIN (VALUES ('malgrupp'), ('per_1000')) AS c (col_id)
