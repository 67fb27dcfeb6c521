-- Tabell 1: how many recipients used all, part or none of the grant.
-- Population: recipients (N = 247 in 2024). Classification: staged.respondents.usage_class.
WITH pop AS (SELECT * FROM staged.respondents WHERE bidragsar = $bidragsar),
n AS (SELECT count(*) AS d FROM pop),
classes (row_order, row_id) AS (VALUES (1, 'all'), (2, 'part'), (3, 'none')),
counted AS (SELECT usage_class AS row_id, count(*) AS k FROM pop GROUP BY usage_class)
SELECT cl.row_order, cl.row_id, NULL AS row_label, c.col_id,
    CASE c.col_id WHEN 'antal' THEN coalesce(k, 0) ELSE pct(coalesce(k, 0), n.d) END AS value,
    n.d AS denominator,
    CASE c.col_id WHEN 'antal' THEN 'kommuner' ELSE 'procent' END AS unit
FROM classes AS cl
CROSS JOIN n
CROSS JOIN (VALUES ('antal'), ('andel')) AS c (col_id)
LEFT JOIN counted USING (row_id)
