-- Bilaga 2: per region, the municipalities, the recipients, those that used all or part of
-- the grant, and their share of ALL municipalities in the region (the definition that
-- reproduces the published extremes: Region Skåne 100 %, Region Östergötland 54 %).
WITH municipalities AS (
    SELECT k.kommunkod, g.lan_kod, g.region, g.ordning_norr_till_soder
    FROM reference.kommuner AS k JOIN reference.regioner AS g USING (lan_kod)
),
reports AS (SELECT kommunkod, used_grant FROM staged.respondents WHERE bidragsar = $bidragsar),
per_region AS (
    SELECT lan_kod, region, ordning_norr_till_soder,
           count(*) AS kommuner, count(r.kommunkod) AS mottagare,
           count(*) FILTER (WHERE r.used_grant) AS anvant
    FROM municipalities LEFT JOIN reports AS r USING (kommunkod)
    GROUP BY ALL
)
SELECT ordning_norr_till_soder AS row_order, lan_kod AS row_id, region AS row_label, c.col_id,
    CASE c.col_id WHEN 'kommuner' THEN kommuner WHEN 'mottagare' THEN mottagare
                  WHEN 'anvant' THEN anvant WHEN 'andel' THEN pct(anvant, kommuner) END AS value,
    CASE c.col_id WHEN 'andel' THEN kommuner END AS denominator,
    CASE c.col_id WHEN 'andel' THEN 'procent' ELSE 'kommuner' END AS unit
FROM per_region
CROSS JOIN (VALUES ('kommuner'), ('mottagare'), ('anvant'), ('andel')) AS c (col_id)
