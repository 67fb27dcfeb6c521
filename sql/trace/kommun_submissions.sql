-- Every return report of the year by municipality, for its page in the trace: when it
-- was submitted, from which file and row, whether it counts (status) and, when it is in
-- quarantine, why. Withdrawn rows are not staged (validering.html lists them).
SELECT s.kommunkod, s.submission_id, s.submitted_at, s.kommun_i_fil, s.source_file,
       s.source_row, s.status, s.superseded_by, s.problem, q.reasons AS karantan
FROM staged.submissions AS s
LEFT JOIN validated.quarantine AS q USING (bidragsar, submission_id)
WHERE s.bidragsar = $bidragsar AND s.kommunkod IS NOT NULL
ORDER BY s.kommunkod, s.submitted_at, s.source_file, s.source_row
