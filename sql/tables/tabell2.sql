-- Tabell 2: available, requisitioned, recipients and unused per grant year, this year and
-- every earlier year with data. Denominator of the unused share: requisitioned kronor.
WITH years AS (
    SELECT bidragsar, anslag_kr FROM reference.bidragsar WHERE bidragsar <= $bidragsar
),
reports AS (
    SELECT bidragsar, count(*) AS mottagare, sum(rekvirerat) AS rekvirerat,
           sum(oanvant) AS oanvant
    FROM staged.respondents WHERE bidragsar <= $bidragsar GROUP BY bidragsar
)
SELECT y.bidragsar AS row_order, CAST(y.bidragsar AS VARCHAR) AS row_id,
    CAST(y.bidragsar AS VARCHAR) AS row_label, c.col_id,
    CASE c.col_id
        WHEN 'tillgangligt' THEN y.anslag_kr
        WHEN 'rekvirerat' THEN r.rekvirerat
        WHEN 'mottagare' THEN r.mottagare
        WHEN 'oanvant' THEN r.oanvant
        WHEN 'oanvant_andel' THEN pct(r.oanvant, r.rekvirerat)
    END AS value,
    CASE c.col_id WHEN 'oanvant_andel' THEN r.rekvirerat END AS denominator,
    CASE c.col_id WHEN 'mottagare' THEN 'kommuner' WHEN 'oanvant_andel' THEN 'procent'
                  ELSE 'kr' END AS unit
FROM years AS y
JOIN reports AS r USING (bidragsar)
CROSS JOIN (VALUES ('tillgangligt'), ('rekvirerat'), ('mottagare'), ('oanvant'),
                   ('oanvant_andel')) AS c (col_id)
