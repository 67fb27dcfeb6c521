-- Bilaga 1 tabell 1: per recipient its allocation key, requisitioned, unused kr and unused %,
-- in Swedish alphabetical order, with the total row (every column but the share). The key
-- comes from the grant ledger; the amounts from the current return report.
WITH rows AS (
    SELECT r.kommunkod, k.kommun_namn, f.belopp_kr AS fordelningsnyckel,
           r.rekvirerat, r.oanvant
    FROM staged.respondents AS r
    JOIN reference.kommuner AS k USING (kommunkod)
    LEFT JOIN ledger.fordelningsnyckel AS f USING (bidragsar, kommunkod)
    WHERE r.bidragsar = $bidragsar
),
numbered AS (
    -- Swedish alphabetical order (å, ä, ö after z): DuckDB's ICU collation
    SELECT *, row_number() OVER (ORDER BY kommun_namn COLLATE sv) AS row_order FROM rows
    UNION ALL
    SELECT 'totalt', NULL, sum(fordelningsnyckel), sum(rekvirerat), sum(oanvant), 100000
    FROM rows
)
SELECT row_order, kommunkod AS row_id, kommun_namn AS row_label, c.col_id,
    CASE c.col_id
        WHEN 'fordelningsnyckel' THEN fordelningsnyckel
        WHEN 'rekvirerat' THEN rekvirerat
        WHEN 'oanvant' THEN oanvant
        WHEN 'oanvant_andel' THEN pct(oanvant, rekvirerat)
    END AS value,
    CASE c.col_id WHEN 'oanvant_andel' THEN rekvirerat END AS denominator,
    CASE c.col_id WHEN 'oanvant_andel' THEN 'procent' ELSE 'kr' END AS unit
FROM numbered
CROSS JOIN (VALUES ('fordelningsnyckel'), ('rekvirerat'), ('oanvant'), ('oanvant_andel'))
    AS c (col_id)
WHERE NOT (kommunkod = 'totalt' AND c.col_id = 'oanvant_andel')
