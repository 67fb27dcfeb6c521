-- Lineage of Tabell 1: the recipients in each usage class (decided by the requisitioned
-- and the unused amount), and all recipients (the n of the counts and of the shares).
WITH pop AS (SELECT * FROM staged.respondents WHERE bidragsar = $bidragsar),
cols (col_id, aggregation) AS (VALUES ('antal', 'count'), ('andel', 'share'))
SELECT usage_class AS row_id, c.col_id, 'numerator' AS role, kommunkod, submission_id,
       source_file, source_sha256, source_row, 1 AS contribution, c.aggregation,
       'rekvirerat oanvant' AS cells
FROM pop CROSS JOIN cols AS c
UNION ALL
SELECT cl.row_id, c.col_id, 'denominator', kommunkod, submission_id, source_file,
       source_sha256, source_row, 1, c.aggregation, 'rekvirerat'
FROM pop CROSS JOIN (VALUES ('all'), ('part'), ('none')) AS cl (row_id) CROSS JOIN cols AS c
