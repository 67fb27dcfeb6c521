-- The report's list of rejected export files: file name and the reason, in Swedish where
-- the ingest gave one.
SELECT regexp_extract(source_file, '[^/]+$'), coalesce(reason_sv, reason)
FROM raw.export_folder_state
WHERE bidragsar = $bidragsar AND status = 'rejected'
ORDER BY source_file
