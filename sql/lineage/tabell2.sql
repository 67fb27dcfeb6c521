-- Lineage of Tabell 2: per grant year the appropriation (reference row) and every
-- recipient's requisitioned and unused amounts.
WITH resp AS (SELECT * FROM staged.respondents WHERE bidragsar <= $bidragsar),
grant_rows AS (SELECT * FROM reference.bidragsar WHERE bidragsar <= $bidragsar)
SELECT CAST(bidragsar AS VARCHAR) AS row_id, 'tillgangligt' AS col_id, 'value' AS role,
       NULL AS kommunkod, NULL AS submission_id, source_file, source_sha256, source_row,
       anslag_kr AS contribution, 'sum' AS aggregation, 'anslag_kr' AS cells
FROM grant_rows WHERE bidragsar IN (SELECT bidragsar FROM resp)
UNION ALL
SELECT CAST(r.bidragsar AS VARCHAR), c.col_id, 'numerator', kommunkod, submission_id,
       source_file, source_sha256, source_row,
       CASE c.col_id WHEN 'rekvirerat' THEN rekvirerat WHEN 'oanvant' THEN oanvant
                     WHEN 'oanvant_andel' THEN oanvant ELSE 1 END,
       CASE c.col_id WHEN 'mottagare' THEN 'count' WHEN 'oanvant_andel' THEN 'share'
                     ELSE 'sum' END,
       CASE c.col_id WHEN 'rekvirerat' THEN 'rekvirerat' WHEN 'mottagare' THEN 'rekvirerat'
                     ELSE 'oanvant' END
FROM resp AS r
CROSS JOIN (VALUES ('rekvirerat'), ('mottagare'), ('oanvant'), ('oanvant_andel')) AS c (col_id)
UNION ALL
SELECT CAST(bidragsar AS VARCHAR), 'oanvant_andel', 'denominator', kommunkod, submission_id,
       source_file, source_sha256, source_row, rekvirerat, 'share', 'rekvirerat'
FROM resp
