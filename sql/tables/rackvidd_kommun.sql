-- Beyond the published report: persons reached per 1 000 residents of the target group, per
-- municipality that started hälsosamtal (the target group: staged.respondents.malgrupp).
-- Rests on SYNTHETIC person counts.
WITH reached AS (
    SELECT r.kommunkod, k.kommun_namn, r.antal_personer, r.malgrupp,
           row_number() OVER (ORDER BY k.kommun_namn COLLATE sv) AS row_order
    FROM staged.respondents AS r
    JOIN reference.kommuner AS k USING (kommunkod)
    WHERE r.bidragsar = $bidragsar AND r.started AND r.key_row IS NOT NULL
)
SELECT row_order, kommunkod AS row_id,
       kommun_namn AS row_label, c.col_id,
       CASE c.col_id WHEN 'personer' THEN antal_personer WHEN 'malgrupp' THEN malgrupp
                     WHEN 'per_1000' THEN round(1000.0 * antal_personer / malgrupp, 1) END
           AS value,
       CASE c.col_id WHEN 'per_1000' THEN malgrupp END AS denominator,
       CASE c.col_id WHEN 'per_1000' THEN 'per 1 000' ELSE 'personer' END AS unit
FROM reached CROSS JOIN (VALUES ('personer'), ('malgrupp'), ('per_1000')) AS c (col_id)
