-- Per figure of the year (or of those named in $figures), what its trace page says of all
-- its rows, however many are listed: their number, the numerator's (and value rows')
-- count, sum and largest contribution, and the denominator's sum, from which the lineage's
-- own rule recomputes the figure (a sum of blanks is none, as the derivation has it).
SELECT figure_id, any_value(aggregation) AS aggregation, count(*) AS n_rows,
       count(*) FILTER (WHERE role <> 'denominator') AS n_numerator,
       sum(contribution) FILTER (WHERE role <> 'denominator') AS total,
       max(contribution) FILTER (WHERE role <> 'denominator') AS largest,
       sum(contribution) FILTER (WHERE role = 'denominator') AS denominator
FROM lineage.rows
WHERE bidragsar = $bidragsar
  AND (len(CAST($figures AS VARCHAR[])) = 0 OR list_contains($figures, figure_id))
GROUP BY figure_id
