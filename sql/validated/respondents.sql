-- validated.respondents: the current return report of each recipient and the populations
-- every table is defined on. Grain: bidragsar × kommunkod.
--   recipients  every current report (2024: 247)
--   used        used any of the grant, använt > 0 (2024: 235)
--   started     has started holding hälsosamtal (2024: 222)
-- usage_class is Tabell 1's classification (see README, "Tabell 1"): 'none' when nothing
-- was used, 'all' when the unused share rounds to 0 % (unused < 0.5 % of requisitioned),
-- 'part' otherwise.
-- malgrupp is the municipality's target group (residents aged 80+ without elderly care),
-- recovered from its allocation key in the ledger (macro malgrupp); the key's ledger row
-- comes along for the lineage. NULL where the ledger has no key for the municipality.
WITH current_reports AS (
    -- A current report in quarantine (it breaks an error-level rule) is left out until a
    -- later submission corrects it.
    SELECT * FROM staged.submissions AS s
    WHERE bidragsar = $bidragsar AND is_current
      AND NOT EXISTS (SELECT 1 FROM validated.quarantine AS q
                      WHERE q.bidragsar = s.bidragsar AND q.submission_id = s.submission_id)
),
money AS (
    SELECT * EXCLUDE (bidragsar) FROM staged.submission_money WHERE bidragsar = $bidragsar
)
SELECT
    c.bidragsar, c.kommunkod, c.submission_id, c.submitted_at, c.source_file, c.source_row,
    c.source_sha256,
    m.rekvirerat, m.anvant, m.oanvant, m.lonekostnader, m.ovriga_kostnader, m.antal_personer,
    coalesce(m.anvant, 0) > 0 AS used_grant,
    coalesce(m.started, false) AS started,
    CASE
        WHEN m.oanvant = m.rekvirerat THEN 'none'
        WHEN 200 * m.oanvant < m.rekvirerat THEN 'all'
        ELSE 'part'
    END AS usage_class,
    malgrupp(f.belopp_kr, g.malgrupp_personer, g.anslag_kr) AS malgrupp,
    f.source_file AS key_file, f.source_sha256 AS key_sha256, f.source_row AS key_row
FROM current_reports AS c
JOIN money AS m USING (submission_id)
LEFT JOIN ledger.fordelningsnyckel AS f USING (bidragsar, kommunkod)
LEFT JOIN reference.bidragsar AS g USING (bidragsar)
