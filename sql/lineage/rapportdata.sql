-- Lineage of the facts about the year's data: dates from the reference and form files,
-- counts of reports and files from the raw layer.
WITH g AS (SELECT * FROM reference.bidragsar WHERE bidragsar = $bidragsar),
subs AS (
    SELECT * FROM staged.submissions WHERE bidragsar = $bidragsar AND status <> 'kopia'
),
w AS (SELECT * FROM reference.form_window WHERE bidragsar = $bidragsar),
lines (row_id, role, kommunkod, submission_id, source_file, source_sha256, source_row,
       contribution, aggregation, cells) AS (
    SELECT 'bidragsar', 'value', NULL, NULL, source_file, source_sha256, source_row,
        bidragsar, 'max', 'bidragsar' FROM g
    UNION ALL SELECT 'foregaende_bidragsar', 'value', NULL, NULL, source_file, source_sha256,
        source_row, bidragsar, 'max', 'bidragsar' FROM reference.bidragsar WHERE bidragsar = $bidragsar - 1
    UNION ALL SELECT x.id, 'value', NULL, NULL, source_file, source_sha256, source_row,
        CAST(strftime(x.d, '%Y%m%d') AS INTEGER), 'max', x.id
        FROM g CROSS JOIN LATERAL (VALUES ('rekvisition_sista_dag', g.rekvisition_sista_dag),
            ('anvandning_fran', g.anvandning_fran), ('anvandning_till', g.anvandning_till),
            ('redovisning_regeringen', g.redovisning_regeringen)) AS x (id, d)
    UNION ALL SELECT x.id, 'value', NULL, NULL, 'raw/forms/' || $bidragsar || '/form.toml',
        NULL, NULL, CAST(strftime(x.d, '%Y%m%d') AS INTEGER), 'max', NULL
        FROM w CROSS JOIN LATERAL (VALUES ('formular_oppnat', w.opened),
                                         ('aterrapport_sista_dag', w.deadline)) AS x (id, d)
    UNION ALL SELECT CASE WHEN status = 'rejected' THEN 'avvisade_filer' ELSE 'inlasta_filer'
        END, 'numerator', NULL, NULL, source_file, source_sha256, NULL, 1, 'count', NULL
        FROM raw.export_folder_state
        WHERE bidragsar = $bidragsar AND status IN ('loaded', 'rejected')
    UNION ALL SELECT 'inkomna_rapporter', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', NULL FROM subs
    UNION ALL SELECT 'sena_rapporter', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', NULL FROM subs
        WHERE CAST(submitted_at AS DATE) > (SELECT deadline FROM w)
    UNION ALL SELECT 'ersatta_rapporter', 'numerator', kommunkod, submission_id, source_file,
        source_sha256, source_row, 1, 'count', NULL FROM subs WHERE superseded_by IS NOT NULL
    UNION ALL SELECT 'karantan', 'numerator', q.kommunkod, q.submission_id, q.source_file,
        f.source_sha256, q.source_row, 1, 'count', NULL
        FROM validated.quarantine AS q
        LEFT JOIN raw.export_folder_state AS f USING (bidragsar, source_file)
        WHERE q.bidragsar = $bidragsar AND q.is_current
    UNION ALL SELECT 'omfordelat', 'numerator', r.kommunkod, r.submission_id, r.source_file,
        r.source_sha256, r.source_row, r.rekvirerat, 'sum', 'rekvirerat'
        FROM staged.respondents AS r
        WHERE r.bidragsar = $bidragsar AND (SELECT omfordelning FROM g)
    UNION ALL SELECT 'omfordelat', 'numerator', f.kommunkod, NULL, f.source_file,
        f.source_sha256, f.source_row, -f.belopp_kr, 'sum', 'belopp_kr'
        FROM ledger.fordelningsnyckel AS f
        JOIN staged.respondents AS r USING (bidragsar, kommunkod)
        WHERE f.bidragsar = $bidragsar AND (SELECT omfordelning FROM g)
    UNION ALL SELECT 'data_per', 'value', kommunkod, submission_id, source_file,
        source_sha256, source_row, CAST(strftime(submitted_at, '%Y%m%d') AS INTEGER), 'max', NULL
        FROM subs WHERE is_current
)
SELECT row_id, 'varde' AS col_id, * EXCLUDE (row_id) FROM lines
