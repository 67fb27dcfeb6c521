-- Bilaga 1 tabell 1: per recipient its allocation key, requisitioned, unused kr and unused %,
-- in Swedish alphabetical order, with the total row (every column but the share). The key
-- comes from the grant ledger; the amounts from the current return report.
WITH resp AS (
    SELECT r.*, k.kommun_namn,
           -- Swedish alphabetical order (å, ä, ö after z): DuckDB's ICU collation
           row_number() OVER (ORDER BY k.kommun_namn COLLATE sv) AS row_order
    FROM validated.respondents AS r JOIN reference.kommuner AS k USING (kommunkod)
    WHERE r.bidragsar = $bidragsar
),
keys AS (SELECT * FROM ledger.fordelningsnyckel WHERE bidragsar = $bidragsar),
cols (col_id, aggregation, unit, with_n) AS (
    VALUES ('fordelningsnyckel', 'sum', 'kr', false), ('rekvirerat', 'sum', 'kr', false),
           ('oanvant', 'sum', 'kr', false), ('oanvant_andel', 'share', 'procent', true)
)
SELECT 'figure' AS role, r.row_order, r.kommunkod AS row_id, r.kommun_namn AS row_label,
       c.col_id, c.aggregation, c.unit, c.with_n
FROM resp AS r CROSS JOIN cols AS c
UNION ALL BY NAME
SELECT 'figure' AS role, 100000 AS row_order, 'totalt' AS row_id, c.col_id, c.aggregation,
       c.unit
FROM cols AS c WHERE c.col_id <> 'oanvant_andel'
UNION ALL BY NAME
-- each recipient's own report
SELECT 'value' AS role, kommunkod AS row_id, c.col_id, kommunkod, submission_id,
       source_file, source_sha256, source_row,
       CASE c.col_id WHEN 'rekvirerat' THEN rekvirerat ELSE oanvant END AS contribution,
       CASE c.col_id WHEN 'rekvirerat' THEN 'rekvirerat' ELSE 'oanvant' END AS cells
FROM resp CROSS JOIN (VALUES ('rekvirerat'), ('oanvant'), ('oanvant_andel')) AS c (col_id)
UNION ALL BY NAME
SELECT 'denominator' AS role, kommunkod AS row_id, 'oanvant_andel' AS col_id, kommunkod,
       submission_id, source_file, source_sha256, source_row, rekvirerat AS contribution,
       'rekvirerat' AS cells
FROM resp
UNION ALL BY NAME
-- its ledger row for the allocation key
SELECT 'value' AS role, k.kommunkod AS row_id, 'fordelningsnyckel' AS col_id, k.kommunkod,
       k.source_file, k.source_sha256, k.source_row, k.belopp_kr AS contribution,
       'belopp_kr' AS cells
FROM keys AS k JOIN resp USING (kommunkod)
UNION ALL BY NAME
-- the total row sums every recipient
SELECT 'numerator' AS role, 'totalt' AS row_id, c.col_id, kommunkod, submission_id,
       source_file, source_sha256, source_row,
       CASE c.col_id WHEN 'rekvirerat' THEN rekvirerat ELSE oanvant END AS contribution,
       c.col_id AS cells
FROM resp CROSS JOIN (VALUES ('rekvirerat'), ('oanvant')) AS c (col_id)
UNION ALL BY NAME
SELECT 'numerator' AS role, 'totalt' AS row_id, 'fordelningsnyckel' AS col_id, k.kommunkod,
       k.source_file, k.source_sha256, k.source_row, k.belopp_kr AS contribution,
       'belopp_kr' AS cells
FROM keys AS k JOIN resp USING (kommunkod)
