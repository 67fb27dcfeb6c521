-- Shared SQL macros, created on every connection that derives tables.
-- Percentages are whole numbers rounded half up, as the follow-up prints them:
-- floor(100·k/d + 0.5) computed exactly in integers.
CREATE OR REPLACE TEMP MACRO pct(k, d) AS
    CASE WHEN d > 0 THEN (200 * CAST(k AS HUGEINT) + d) // (2 * d) END;
-- Millions of kronor with one decimal, rounded half up ("85,9 miljoner kronor").
CREATE OR REPLACE TEMP MACRO mkr(x) AS
    CAST((CAST(x AS HUGEINT) + 50000) // 100000 AS DOUBLE) / 10;
-- A population of respondents by name: recipients, used (the grant), started (hälsosamtal).
CREATE OR REPLACE TEMP MACRO in_population(population, used_grant, started) AS
    CASE population WHEN 'recipients' THEN true WHEN 'used' THEN used_grant
                    WHEN 'started' THEN started END;
-- A municipality's target group (residents aged 80+ without elderly care) recovered from
-- its allocation key: key = round(n · appropriation / national target group).
CREATE OR REPLACE TEMP MACRO malgrupp(key_kr, national_target_group, appropriation) AS
    CAST(round(key_kr * national_target_group / appropriation) AS BIGINT);
