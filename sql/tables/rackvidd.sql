-- Beyond the published report: persons reached per 1 000 residents of the target group
-- (aged 80+ without elderly care), per region and in total, for the municipalities that
-- started hälsosamtal. The target group of a municipality is recovered from its allocation
-- key: key = round(n · appropriation / target population of the country), so
-- n = round(key · target population / appropriation). Rests on SYNTHETIC person counts.
WITH reached AS (
    SELECT kommunkod, antal_personer, malgrupp FROM staged.respondents
    WHERE bidragsar = $bidragsar AND started AND key_row IS NOT NULL
),
per_region AS (
    SELECT g.lan_kod, g.region, g.ordning_norr_till_soder AS row_order,
           sum(antal_personer) AS personer, sum(malgrupp) AS malgrupp, count(*) AS kommuner
    FROM reached JOIN reference.kommuner USING (kommunkod)
    JOIN reference.regioner AS g USING (lan_kod)
    GROUP BY ALL
    UNION ALL
    SELECT 'riket', 'Riket', 100, sum(antal_personer), sum(malgrupp), count(*) FROM reached
)
SELECT row_order, lan_kod AS row_id, region AS row_label, c.col_id,
    CASE c.col_id WHEN 'kommuner' THEN kommuner WHEN 'personer' THEN personer
                  WHEN 'malgrupp' THEN malgrupp
                  WHEN 'per_1000' THEN round(1000.0 * personer / malgrupp, 1) END AS value,
    CASE c.col_id WHEN 'per_1000' THEN malgrupp END AS denominator,
    CASE c.col_id WHEN 'kommuner' THEN 'kommuner' WHEN 'per_1000' THEN 'per 1 000'
                  ELSE 'personer' END AS unit
FROM per_region
CROSS JOIN (VALUES ('kommuner'), ('personer'), ('malgrupp'), ('per_1000')) AS c (col_id)
