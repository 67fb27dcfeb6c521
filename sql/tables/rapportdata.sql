-- Facts about the year's data that the report's background and data sections quote:
-- dates of the grant year, how many reports arrived, late, superseded, quarantined, and
-- the money redistributed in a year that redistributed it.
-- Dates are coded YYYYMMDD (unit 'datum'), years with unit 'år'.
WITH grant_year AS (SELECT * FROM reference.bidragsar WHERE bidragsar = $bidragsar),
form_open AS (SELECT * FROM reference.form_window WHERE bidragsar = $bidragsar),
-- Every report received once: an identical copy of a report is not another report.
subs AS (
    SELECT * FROM staged.submissions WHERE bidragsar = $bidragsar AND status <> 'kopia'
),
quarantined AS (
    SELECT * FROM validated.quarantine WHERE bidragsar = $bidragsar AND is_current
),
files AS (SELECT * FROM raw.export_folder_state WHERE bidragsar = $bidragsar),
facts (row_order, row_id, value, unit) AS (
    SELECT 1, 'bidragsar', $bidragsar, 'år'
    UNION ALL SELECT 2, 'foregaende_bidragsar', $bidragsar - 1, 'år'
        WHERE EXISTS (SELECT 1 FROM reference.bidragsar WHERE bidragsar = $bidragsar - 1)
    UNION ALL SELECT 3, 'rekvisition_sista_dag',
        CAST(strftime(rekvisition_sista_dag, '%Y%m%d') AS INTEGER), 'datum' FROM grant_year
    UNION ALL SELECT 4, 'anvandning_fran',
        CAST(strftime(anvandning_fran, '%Y%m%d') AS INTEGER), 'datum' FROM grant_year
    UNION ALL SELECT 5, 'anvandning_till',
        CAST(strftime(anvandning_till, '%Y%m%d') AS INTEGER), 'datum' FROM grant_year
    UNION ALL SELECT 6, 'formular_oppnat', CAST(strftime(opened, '%Y%m%d') AS INTEGER),
        'datum' FROM form_open
    UNION ALL SELECT 7, 'aterrapport_sista_dag',
        CAST(strftime(deadline, '%Y%m%d') AS INTEGER), 'datum' FROM form_open
    UNION ALL SELECT 8, 'redovisning_regeringen',
        CAST(strftime(redovisning_regeringen, '%Y%m%d') AS INTEGER), 'datum' FROM grant_year
    -- A year whose undrawn money went to the municipalities that requisitioned: how much
    -- they drew beyond their allocation keys (a recipient can draw more than its key).
    UNION ALL SELECT 9, 'omfordelat', sum(r.rekvirerat) - sum(f.belopp_kr), 'kr'
        FROM staged.respondents AS r
        JOIN ledger.fordelningsnyckel AS f USING (bidragsar, kommunkod)
        WHERE r.bidragsar = $bidragsar HAVING (SELECT omfordelning FROM grant_year)
    UNION ALL SELECT 10, 'inlasta_filer', count(*) FILTER (WHERE status = 'loaded'),
        'filer' FROM files
    UNION ALL SELECT 11, 'avvisade_filer', count(*) FILTER (WHERE status = 'rejected'),
        'filer' FROM files
    UNION ALL SELECT 12, 'inkomna_rapporter', count(*), 'rapporter' FROM subs
    UNION ALL SELECT 13, 'sena_rapporter',
        count(*) FILTER (WHERE CAST(submitted_at AS DATE) > (SELECT deadline FROM form_open)),
        'rapporter' FROM subs
    UNION ALL SELECT 14, 'ersatta_rapporter', count(*) FILTER (WHERE superseded_by IS NOT NULL),
        'rapporter' FROM subs
    UNION ALL SELECT 15, 'karantan', count(*), 'rapporter' FROM quarantined
    UNION ALL SELECT 16, 'data_per',
        CAST(strftime(max(submitted_at), '%Y%m%d') AS INTEGER), 'datum'
        FROM subs WHERE is_current
)
SELECT row_order, row_id, NULL AS row_label, 'varde' AS col_id, value,
       NULL AS denominator, unit
FROM facts
