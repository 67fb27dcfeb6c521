-- validated.table_facts: every derived number with what the table rules check.
SELECT bidragsar, figure_id, table_id,
       CASE WHEN unit = 'procent' THEN value END AS procent,
       CASE WHEN col_id LIKE 'antal%' THEN value END AS antal,
       CASE WHEN col_id LIKE 'antal%' THEN denominator END AS denominator
FROM tables.cells
WHERE bidragsar = $bidragsar
