-- Lineage of Bilaga 2: per region the municipalities (reference rows), the recipients and
-- those that used the grant (their reports).
WITH munis AS (SELECT * FROM reference.kommuner),
resp AS (SELECT * FROM staged.respondents WHERE bidragsar = $bidragsar)
SELECT m.lan_kod AS row_id, c.col_id, CASE c.col_id WHEN 'andel' THEN 'denominator'
       ELSE 'numerator' END AS role, m.kommunkod, NULL AS submission_id, m.source_file,
       m.source_sha256, m.source_row, 1 AS contribution,
       CASE c.col_id WHEN 'andel' THEN 'share' ELSE 'count' END AS aggregation,
       'lan_kod' AS cells
FROM munis AS m CROSS JOIN (VALUES ('kommuner'), ('andel')) AS c (col_id)
UNION ALL
SELECT m.lan_kod, c.col_id, 'numerator', r.kommunkod, r.submission_id, r.source_file,
       r.source_sha256, r.source_row, 1,
       CASE c.col_id WHEN 'andel' THEN 'share' ELSE 'count' END,
       CASE c.col_id WHEN 'mottagare' THEN 'rekvirerat' ELSE 'anvant' END
FROM resp AS r JOIN munis AS m USING (kommunkod)
CROSS JOIN (VALUES ('mottagare'), ('anvant'), ('andel')) AS c (col_id)
WHERE c.col_id = 'mottagare' OR r.used_grant
