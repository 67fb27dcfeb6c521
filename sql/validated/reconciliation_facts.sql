-- validated.reconciliation_facts: the sums each derived table must reconcile with.
-- Grain: one row per check (expected vs actual).
WITH cells AS (SELECT * FROM tables.cells WHERE bidragsar = $bidragsar),
resp AS (SELECT * FROM validated.respondents WHERE bidragsar = $bidragsar),
ledger AS (
    SELECT count(*) AS n, sum(belopp_kr) AS kr FROM ledger.rekvisitioner
    WHERE bidragsar = $bidragsar
),
checks (check_name, expected, actual) AS (
    SELECT 'Tabell 1: hela + delar + inget = mottagarna', (SELECT count(*) FROM resp),
           (SELECT sum(value) FROM cells WHERE table_id = 'tabell1' AND col_id = 'antal')
    UNION ALL
    SELECT 'Bilaga 2: kommunerna i alla regioner = kommunregistret',
           (SELECT count(*) FROM reference.kommuner),
           (SELECT sum(value) FROM cells WHERE table_id = 'bilaga2' AND col_id = 'kommuner')
    UNION ALL
    SELECT 'Bilaga 2: mottagarna i alla regioner = mottagarna', (SELECT count(*) FROM resp),
           (SELECT sum(value) FROM cells WHERE table_id = 'bilaga2' AND col_id = 'mottagare')
    UNION ALL
    SELECT 'Bilaga 2: använt helt eller delvis i alla regioner = använt bidraget',
           (SELECT count(*) FROM resp WHERE used_grant),
           (SELECT sum(value) FROM cells WHERE table_id = 'bilaga2' AND col_id = 'anvant')
    UNION ALL
    SELECT 'Tabell 2: mottagarna = rekvisitionerna i reskontran', (SELECT n FROM ledger),
           (SELECT value FROM cells WHERE figure_id = 'tabell2.' || $bidragsar || '.mottagare')
    UNION ALL
    SELECT 'Tabell 2: rekvirerat = reskontran', (SELECT kr FROM ledger),
           (SELECT value FROM cells WHERE figure_id = 'tabell2.' || $bidragsar || '.rekvirerat')
    UNION ALL
    SELECT 'Text: använt + oanvänt = rekvirerat',
           (SELECT value FROM cells WHERE figure_id = 'text.rekvirerat_kr'),
           (SELECT sum(value) FROM cells WHERE figure_id IN ('text.anvant_kr', 'text.oanvant_kr'))
    UNION ALL
    SELECT 'Bilaga 1 tabell 1: totalraden = summan av mottagarna',
           (SELECT sum(value) FROM cells WHERE table_id = 'bilaga1_tabell1'
                AND col_id = 'rekvirerat' AND row_id <> 'totalt'),
           (SELECT value FROM cells WHERE figure_id = 'bilaga1_tabell1.totalt.rekvirerat')
)
SELECT $bidragsar AS bidragsar, check_name, expected, actual FROM checks
