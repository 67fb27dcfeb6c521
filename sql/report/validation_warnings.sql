-- The report's list of validation warnings: rule, municipality and the values it broke
-- the rule with (a late report is listed on its own, see late_reports.sql).
SELECT f.rule_id, coalesce(k.kommun_namn, f.kommunkod), f.value
FROM validated.failures AS f
LEFT JOIN reference.kommuner AS k USING (kommunkod)
WHERE f.bidragsar = $bidragsar AND f.severity = 'warning' AND f.rule_id <> 'inskickad_i_tid'
ORDER BY f.rule_id, f.source_file, f.source_row
