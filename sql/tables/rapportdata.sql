-- Facts about the year's data that the report's background and data sections quote:
-- dates of the grant year, how many reports arrived, late, superseded, quarantined, and
-- the money redistributed in a year that redistributed it. Dates come from the reference
-- and form files, counts of reports and files from the raw layer.
-- Dates are coded YYYYMMDD (unit 'datum'), years with unit 'år'.
WITH g AS (SELECT * FROM reference.bidragsar WHERE bidragsar = $bidragsar),
w AS (SELECT * FROM reference.form_window WHERE bidragsar = $bidragsar),
-- Every report received once: an identical copy of a report is not another report.
subs AS (
    SELECT * FROM staged.submissions WHERE bidragsar = $bidragsar AND status <> 'kopia'
),
previous_year AS (SELECT * FROM reference.bidragsar WHERE bidragsar = $bidragsar - 1),
facts (row_order, row_id, aggregation, unit, source) AS (
    VALUES (1, 'bidragsar', 'max', 'år', 'g'), (3, 'rekvisition_sista_dag', 'max', 'datum', 'g'),
           (4, 'anvandning_fran', 'max', 'datum', 'g'), (5, 'anvandning_till', 'max', 'datum', 'g'),
           (6, 'formular_oppnat', 'max', 'datum', 'w'),
           (7, 'aterrapport_sista_dag', 'max', 'datum', 'w'),
           (8, 'redovisning_regeringen', 'max', 'datum', 'g'),
           (10, 'inlasta_filer', 'count', 'filer', NULL),
           (11, 'avvisade_filer', 'count', 'filer', NULL),
           (12, 'inkomna_rapporter', 'count', 'rapporter', NULL),
           (13, 'sena_rapporter', 'count', 'rapporter', NULL),
           (14, 'ersatta_rapporter', 'count', 'rapporter', NULL),
           (15, 'karantan', 'count', 'rapporter', NULL), (16, 'data_per', 'max', 'datum', NULL)
)
-- a date is a fact when its file has the year (g: the grant years, w: the year's form)
SELECT 'figure' AS role, row_order, row_id, 'varde' AS col_id, aggregation, unit FROM facts
WHERE source IS NULL OR (source = 'g' AND EXISTS (SELECT 1 FROM g))
   OR (source = 'w' AND EXISTS (SELECT 1 FROM w))
UNION ALL BY NAME
SELECT 'figure' AS role, 2 AS row_order, 'foregaende_bidragsar' AS row_id, 'varde' AS col_id,
       'max' AS aggregation, 'år' AS unit
FROM previous_year
UNION ALL BY NAME
-- A year whose undrawn money went to the municipalities that requisitioned: how much
-- they drew beyond their allocation keys (a recipient can draw more than its key).
SELECT 'figure' AS role, 9 AS row_order, 'omfordelat' AS row_id, 'varde' AS col_id,
       'sum' AS aggregation, 'kr' AS unit
FROM g WHERE omfordelning
UNION ALL BY NAME
SELECT 'value' AS role, 'bidragsar' AS row_id, source_file, source_sha256, source_row,
       bidragsar AS contribution, 'bidragsar' AS cells
FROM g
UNION ALL BY NAME
SELECT 'value' AS role, 'foregaende_bidragsar' AS row_id, source_file, source_sha256,
       source_row, bidragsar AS contribution, 'bidragsar' AS cells
FROM previous_year
UNION ALL BY NAME
SELECT 'value' AS role, x.id AS row_id, source_file, source_sha256, source_row,
       CAST(strftime(x.d, '%Y%m%d') AS INTEGER) AS contribution, x.id AS cells
FROM g CROSS JOIN LATERAL (VALUES ('rekvisition_sista_dag', g.rekvisition_sista_dag),
    ('anvandning_fran', g.anvandning_fran), ('anvandning_till', g.anvandning_till),
    ('redovisning_regeringen', g.redovisning_regeringen)) AS x (id, d)
UNION ALL BY NAME
SELECT 'value' AS role, x.id AS row_id, 'raw/forms/' || $bidragsar || '/form.toml' AS source_file,
       CAST(strftime(x.d, '%Y%m%d') AS INTEGER) AS contribution
FROM w CROSS JOIN LATERAL (VALUES ('formular_oppnat', w.opened),
                                 ('aterrapport_sista_dag', w.deadline)) AS x (id, d)
UNION ALL BY NAME
SELECT 'numerator' AS role,
       CASE WHEN status = 'rejected' THEN 'avvisade_filer' ELSE 'inlasta_filer' END AS row_id,
       source_file, source_sha256, 1 AS contribution
FROM raw.export_folder_state
WHERE bidragsar = $bidragsar AND status IN ('loaded', 'rejected')
UNION ALL BY NAME
SELECT 'numerator' AS role, x.id AS row_id, kommunkod, submission_id, source_file,
       source_sha256, source_row, 1 AS contribution
FROM subs CROSS JOIN (VALUES ('inkomna_rapporter'), ('sena_rapporter'), ('ersatta_rapporter'))
    AS x (id)
WHERE x.id = 'inkomna_rapporter'
   OR (x.id = 'sena_rapporter' AND CAST(submitted_at AS DATE) > (SELECT deadline FROM w))
   OR (x.id = 'ersatta_rapporter' AND superseded_by IS NOT NULL)
UNION ALL BY NAME
SELECT 'numerator' AS role, 'karantan' AS row_id, q.kommunkod, q.submission_id, q.source_file,
       f.source_sha256, q.source_row, 1 AS contribution
FROM validated.quarantine AS q
LEFT JOIN raw.export_folder_state AS f USING (bidragsar, source_file)
WHERE q.bidragsar = $bidragsar AND q.is_current
UNION ALL BY NAME
SELECT 'numerator' AS role, 'omfordelat' AS row_id, r.kommunkod, r.submission_id,
       r.source_file, r.source_sha256, r.source_row, r.rekvirerat AS contribution,
       'rekvirerat' AS cells
FROM validated.respondents AS r
WHERE r.bidragsar = $bidragsar AND (SELECT omfordelning FROM g)
UNION ALL BY NAME
SELECT 'numerator' AS role, 'omfordelat' AS row_id, f.kommunkod, f.source_file,
       f.source_sha256, f.source_row, -f.belopp_kr AS contribution, 'belopp_kr' AS cells
FROM ledger.fordelningsnyckel AS f
JOIN validated.respondents AS r USING (bidragsar, kommunkod)
WHERE f.bidragsar = $bidragsar AND (SELECT omfordelning FROM g)
UNION ALL BY NAME
SELECT 'value' AS role, 'data_per' AS row_id, kommunkod, submission_id, source_file,
       source_sha256, source_row,
       CAST(strftime(submitted_at, '%Y%m%d') AS INTEGER) AS contribution
FROM subs WHERE is_current
