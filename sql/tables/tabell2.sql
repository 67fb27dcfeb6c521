-- Tabell 2: available, requisitioned, recipients and unused per grant year, this year and
-- every earlier year with data. Denominator of the unused share: requisitioned kronor.
WITH resp AS (SELECT * FROM validated.respondents WHERE bidragsar <= $bidragsar),
grant_rows AS (
    SELECT * FROM reference.bidragsar
    WHERE bidragsar <= $bidragsar AND bidragsar IN (SELECT bidragsar FROM resp)
),
cols (col_id, aggregation, unit, with_n) AS (
    VALUES ('tillgangligt', 'sum', 'kr', false), ('rekvirerat', 'sum', 'kr', false),
           ('mottagare', 'count', 'kommuner', false), ('oanvant', 'sum', 'kr', false),
           ('oanvant_andel', 'share', 'procent', true)
)
SELECT 'figure' AS role, g.bidragsar AS row_order, CAST(g.bidragsar AS VARCHAR) AS row_id,
       CAST(g.bidragsar AS VARCHAR) AS row_label, c.col_id, c.aggregation, c.unit, c.with_n
FROM grant_rows AS g CROSS JOIN cols AS c
UNION ALL BY NAME
-- the appropriation (the grant year's reference row)
SELECT 'value' AS role, CAST(bidragsar AS VARCHAR) AS row_id, 'tillgangligt' AS col_id,
       source_file, source_sha256, source_row, anslag_kr AS contribution,
       'anslag_kr' AS cells
FROM grant_rows
UNION ALL BY NAME
-- every recipient's requisitioned and unused amounts
SELECT 'numerator' AS role, CAST(r.bidragsar AS VARCHAR) AS row_id, c.col_id, kommunkod,
       submission_id, source_file, source_sha256, source_row,
       CASE c.col_id WHEN 'rekvirerat' THEN rekvirerat WHEN 'mottagare' THEN 1
                     ELSE oanvant END AS contribution,
       CASE c.col_id WHEN 'oanvant' THEN 'oanvant' WHEN 'oanvant_andel' THEN 'oanvant'
                     ELSE 'rekvirerat' END AS cells
FROM resp AS r
CROSS JOIN (VALUES ('rekvirerat'), ('mottagare'), ('oanvant'), ('oanvant_andel')) AS c (col_id)
UNION ALL BY NAME
SELECT 'denominator' AS role, CAST(bidragsar AS VARCHAR) AS row_id, 'oanvant_andel' AS col_id,
       kommunkod, submission_id, source_file, source_sha256, source_row,
       rekvirerat AS contribution, 'rekvirerat' AS cells
FROM resp
