-- The report's list of return reports that came in after the last day: municipality and
-- submission time, in the order they came.
SELECT k.kommun_namn, strftime(s.submitted_at, '%Y-%m-%d %H:%M')
FROM staged.submissions AS s
JOIN reference.form_window AS w USING (bidragsar)
LEFT JOIN reference.kommuner AS k USING (kommunkod)
WHERE s.bidragsar = $bidragsar AND CAST(s.submitted_at AS DATE) > w.deadline
ORDER BY s.submitted_at, k.kommun_namn
