-- The report's list of reports in quarantine: municipality, submission time, whether it
-- is the municipality's current report, and the rules it broke with their values. A
-- superseded report no longer counts and is not listed.
SELECT coalesce(k.kommun_namn, q.kommunkod),
       strftime(s.submitted_at, '%Y-%m-%d %H:%M'),
       CASE s.status WHEN 'aktuell' THEN 'ja' WHEN 'kopia' THEN 'nej, kopia'
                     ELSE 'nej, ersatt' END,
       list(f.rule_id ORDER BY f.rule_id), list(f.value ORDER BY f.rule_id)
FROM validated.quarantine AS q
JOIN validated.failures AS f
  ON f.bidragsar = q.bidragsar AND f.submission_id = q.submission_id AND f.severity = 'error'
LEFT JOIN staged.submissions AS s
  ON s.bidragsar = q.bidragsar AND s.submission_id = q.submission_id
LEFT JOIN reference.kommuner AS k ON k.kommunkod = q.kommunkod
WHERE q.bidragsar = $bidragsar AND q.is_current
GROUP BY 1, 2, 3, q.source_file, q.source_row
ORDER BY q.source_file, q.source_row
