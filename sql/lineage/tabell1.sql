-- Lineage of Tabell 1: the recipients in each usage class, and all recipients.
WITH pop AS (SELECT * FROM staged.respondents WHERE bidragsar = $bidragsar)
SELECT usage_class AS row_id, c.col_id, 'numerator' AS role, kommunkod, submission_id,
       source_file, source_sha256, source_row, 1 AS contribution,
       CASE c.col_id WHEN 'antal' THEN 'count' ELSE 'share' END AS aggregation
FROM pop CROSS JOIN (VALUES ('antal'), ('andel')) AS c (col_id)
UNION ALL
SELECT cl.row_id, 'andel', 'denominator', kommunkod, submission_id, source_file,
       source_sha256, source_row, 1, 'share'
FROM pop CROSS JOIN (VALUES ('all'), ('part'), ('none')) AS cl (row_id)
