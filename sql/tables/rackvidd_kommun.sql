-- Beyond the published report: persons reached per 1 000 residents of the target group, per
-- municipality that started hälsosamtal (see rackvidd.sql for the target group). Rests on
-- SYNTHETIC person counts.
WITH g AS (SELECT * FROM reference.bidragsar WHERE bidragsar = $bidragsar),
reached AS (
    SELECT r.kommunkod, k.kommun_namn, r.antal_personer,
           row_number() OVER (ORDER BY k.sortering) AS row_order,
           malgrupp(f.belopp_kr, g.malgrupp_personer, g.anslag_kr) AS malgrupp
    FROM staged.respondents AS r
    JOIN ledger.fordelningsnyckel AS f USING (bidragsar, kommunkod)
    JOIN reference.kommuner AS k USING (kommunkod)
    CROSS JOIN g
    WHERE r.bidragsar = $bidragsar AND r.started
)
SELECT row_order, kommunkod AS row_id,
       kommun_namn AS row_label, c.col_id,
       CASE c.col_id WHEN 'personer' THEN antal_personer WHEN 'malgrupp' THEN malgrupp
                     WHEN 'per_1000' THEN round(1000.0 * antal_personer / malgrupp, 1) END
           AS value,
       CASE c.col_id WHEN 'per_1000' THEN malgrupp END AS denominator,
       CASE c.col_id WHEN 'per_1000' THEN 'per 1 000' ELSE 'personer' END AS unit
FROM reached CROSS JOIN (VALUES ('personer'), ('malgrupp'), ('per_1000')) AS c (col_id)
