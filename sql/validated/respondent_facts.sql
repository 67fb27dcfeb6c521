-- validated.respondent_facts: the current reports behind the tables, with what the
-- quality warnings look at. Grain: bidragsar × kommunkod.
SELECT r.bidragsar, r.submission_id, r.kommunkod, r.source_file, r.source_row,
       true AS is_current, r.rekvirerat, r.oanvant, r.antal_personer,
       CASE WHEN r.usage_class = 'all' AND r.oanvant > 0
            THEN 'oanvänt ' || r.oanvant || ' kr av ' || r.rekvirerat || ' kr' END
           AS tabell1_avvikelse,
       p.antal_personer AS antal_personer_fjol,
       CASE WHEN r.antal_personer >= 20 AND p.antal_personer >= 20
            THEN r.antal_personer / p.antal_personer END AS kvot
FROM validated.respondents AS r
LEFT JOIN validated.respondents AS p
    ON p.bidragsar = r.bidragsar - 1 AND p.kommunkod = r.kommunkod
WHERE r.bidragsar = $bidragsar
