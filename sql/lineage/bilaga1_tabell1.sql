-- Lineage of Bilaga 1 tabell 1: each recipient's own report (and its ledger row for the
-- allocation key); the total row sums every recipient.
WITH resp AS (SELECT * FROM staged.respondents WHERE bidragsar = $bidragsar),
keys AS (SELECT * FROM ledger.fordelningsnyckel WHERE bidragsar = $bidragsar)
SELECT r.kommunkod AS row_id, c.col_id, 'value' AS role, r.kommunkod, r.submission_id,
       r.source_file, r.source_sha256, r.source_row,
       CASE c.col_id WHEN 'rekvirerat' THEN r.rekvirerat ELSE r.oanvant END AS contribution,
       CASE c.col_id WHEN 'oanvant_andel' THEN 'share' ELSE 'sum' END AS aggregation,
       CASE c.col_id WHEN 'rekvirerat' THEN 'rekvirerat' ELSE 'oanvant' END AS cells
FROM resp AS r CROSS JOIN (VALUES ('rekvirerat'), ('oanvant'), ('oanvant_andel')) AS c (col_id)
UNION ALL
SELECT r.kommunkod, 'oanvant_andel', 'denominator', r.kommunkod, r.submission_id,
       r.source_file, r.source_sha256, r.source_row, r.rekvirerat, 'share', 'rekvirerat'
FROM resp AS r
UNION ALL
SELECT k.kommunkod, 'fordelningsnyckel', 'value', k.kommunkod, NULL, k.source_file,
       k.source_sha256, k.source_row, k.belopp_kr, 'sum', 'belopp_kr'
FROM keys AS k JOIN resp USING (kommunkod)
UNION ALL
SELECT 'totalt', c.col_id, 'numerator', kommunkod, submission_id, source_file,
       source_sha256, source_row,
       CASE c.col_id WHEN 'rekvirerat' THEN rekvirerat ELSE oanvant END, 'sum', c.col_id
FROM resp CROSS JOIN (VALUES ('rekvirerat'), ('oanvant')) AS c (col_id)
UNION ALL
SELECT 'totalt', 'fordelningsnyckel', 'numerator', k.kommunkod, NULL, k.source_file,
       k.source_sha256, k.source_row, k.belopp_kr, 'sum', 'belopp_kr'
FROM keys AS k JOIN resp USING (kommunkod)
