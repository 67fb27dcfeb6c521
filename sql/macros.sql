-- Shared SQL macros, created on every connection that derives tables.
-- Percentages are whole numbers rounded half up, as the follow-up prints them (a half
-- away from zero, as pipeline/numbers.py rounds): floor(100·|k|/d + 0.5) with k's sign,
-- computed exactly in integers.
CREATE OR REPLACE TEMP MACRO pct(k, d) AS
    CASE WHEN d > 0
        THEN sign(k) * ((200 * abs(CAST(k AS HUGEINT)) + d) // (2 * d)) END;
-- Millions of kronor with one decimal, rounded half up ("85,9 miljoner kronor").
CREATE OR REPLACE TEMP MACRO mkr(x) AS
    sign(x) * CAST((abs(CAST(x AS HUGEINT)) + 50000) // 100000 AS DOUBLE) / 10;
-- A population of respondents by name: recipients, used (the grant), started (hälsosamtal).
CREATE OR REPLACE TEMP MACRO in_population(population, used_grant, started) AS
    CASE population WHEN 'recipients' THEN true WHEN 'used' THEN used_grant
                    WHEN 'started' THEN started END;
-- The answers (question or question:option, see staged.answers) that put a report in a
-- population: what a trace shows as the export cells behind a denominator row.
CREATE OR REPLACE TEMP MACRO population_cells(population) AS
    CASE population WHEN 'recipients' THEN 'rekvirerat' WHEN 'used' THEN 'anvant'
                    WHEN 'started' THEN 'anvant genomforande' END;
-- An answer option as a table shows it: without the form's instruction to the respondent
-- ("Annan metod, ange vilken:" → "Annan metod", "Annat. Ange vad:" → "Annat").
CREATE OR REPLACE TEMP MACRO shown_label(label) AS
    regexp_replace(label, '[,.]?\s*[Aa]nge (vilken|vilka|vilket|hur|vad|var)\s*:?\s*$', '');
-- A municipality's target group (residents aged 80+ without elderly care) recovered from
-- its allocation key: key = round(n · appropriation / national target group).
CREATE OR REPLACE TEMP MACRO malgrupp(key_kr, national_target_group, appropriation) AS
    CAST(round(key_kr * national_target_group / appropriation) AS BIGINT);
-- Text as a person reads it: Unicode-normalised (NFC), every run of whitespace of any kind
-- (no-break, narrow, ideographic, zero-width, BOM) one space, trimmed; empty becomes NULL.
CREATE OR REPLACE TEMP MACRO clean_text(x) AS
    nullif(trim(regexp_replace(nfc_normalize(x),
        '[\s\x{00A0}\x{1680}\x{2000}-\x{200D}\x{2028}\x{2029}\x{202F}\x{205F}\x{2060}\x{3000}\x{FEFF}]+',
        ' ', 'g')), '');
-- A submission time as exports write it: "2025-01-20 10:15[:00]", ISO 8601 with "T",
-- fractions of a second, or an offset ("Z", "+01:00"), which is read as Swedish time.
CREATE OR REPLACE TEMP MACRO submission_time(x) AS
    date_trunc('second', coalesce(
        try_strptime(clean_text(x), ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M',
            '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M', '%Y-%m-%d %H:%M:%S.%f',
            '%Y-%m-%dT%H:%M:%S.%f']),
        timezone('Europe/Stockholm', try_strptime(
            regexp_replace(clean_text(x), 'Z$', '+00:00'),
            ['%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z', '%Y-%m-%d %H:%M:%S%z',
             '%Y-%m-%dT%H:%M%z']))));
-- Free text that would be code somewhere it is shown: a spreadsheet formula (also behind
-- zero-width characters or in full-width letters), markup, a script link, Typst or
-- markdown code. It is escaped in every output; the check makes it visible.
CREATE OR REPLACE TEMP MACRO suspicious_text(x) AS
    regexp_matches(translate(regexp_replace(x, '[\x{200B}-\x{200D}\x{2060}\x{FEFF}\x{00AD}]', '', 'g'),
                             '＝＋－＠', '=+-@'),
                   '^[\s\x{00A0}\x{3000}]*[=+@-]')
    OR regexp_matches(x, '<[a-zA-Z/!]')
    OR regexp_matches(x, '(?i)(javascript|vbscript)\s*:|data:text/html')
    OR regexp_matches(x, '#(set|show|let|import|include|eval|read|image|link|page|raw)\b|#[{(\[]')
    OR regexp_matches(x, '`|!?\[[^\]]*\]\([^)\s]*\)');
-- A list as Swedish prose: "A", "A och B", "A, B och C"; more than three as "4 <noun>".
CREATE OR REPLACE TEMP MACRO sv_list(items, noun) AS
    CASE WHEN len(items) = 1 THEN items[1]
         WHEN len(items) <= 3
             THEN array_to_string(items[1:len(items) - 1], ', ') || ' och ' || items[-1]
         ELSE len(items) || ' ' || noun END;
-- The unit of a share that `n` answers or regions have in common: the text then says
-- "båda 40 %" or "alla 40 %" (pipeline/swedish.py).
CREATE OR REPLACE TEMP MACRO tie_unit(n) AS
    CASE WHEN n = 1 THEN 'procent' WHEN n = 2 THEN 'procent_bada' ELSE 'procent_alla' END;
-- A figure from the sums of its source rows (see sql/tables/_figures.sql): the count of its
-- numerator (and value) rows, their sum and largest contribution (NULL when every one is
-- blank), the denominator rows' sum. A share (or rate) of no rows is 0, of blank amounts
-- none; a sum of no rows or of blanks is none; a share of an empty population is none.
CREATE OR REPLACE TEMP MACRO figure_value(aggregation, n, total, largest, den) AS
    CASE aggregation
        WHEN 'count' THEN n
        WHEN 'sum' THEN total
        WHEN 'max' THEN largest
        WHEN 'share' THEN pct(CAST(CASE WHEN n = 0 THEN 0 ELSE total END AS HUGEINT),
                              CAST(den AS HUGEINT))
        WHEN 'mkr' THEN mkr(total)
        WHEN 'round1000' THEN round(CAST(total AS HUGEINT), -3)
        WHEN 'per1000' THEN CASE WHEN den > 0 THEN
            round(1000.0 * CAST(CASE WHEN n = 0 THEN 0 ELSE total END AS BIGINT)
                  / CAST(den AS BIGINT), 1) END
    END;
