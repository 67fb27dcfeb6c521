-- staged.submission_money: each submission's amounts and counts and whether it has started
-- holding hälsosamtal or only prepared: staged.answers pivoted, once, for the submission
-- rules (validated.submission_facts) and the populations (validated.respondents).
-- Grain: bidragsar × submission_id (every version of every report).
SELECT
    bidragsar,
    submission_id,
    max(value_num) FILTER (WHERE question_id = 'rekvirerat') AS rekvirerat,
    max(value_num) FILTER (WHERE question_id = 'anvant') AS anvant,
    max(value_num) FILTER (WHERE question_id = 'oanvant') AS oanvant,
    max(value_num) FILTER (WHERE question_id = 'lonekostnader') AS lonekostnader,
    max(value_num) FILTER (WHERE question_id = 'ovriga_kostnader') AS ovriga_kostnader,
    max(value_num) FILTER (WHERE question_id = 'antal_personer') AS antal_personer,
    max(value_num) FILTER (WHERE question_id = 'belopp_fristaende') AS belopp_fristaende,
    bool_or(question_id = 'genomforande' AND option_code = 'startat') AS started,
    bool_or(question_id = 'genomforande' AND option_code = 'forberett') AS prepared
FROM staged.answers
WHERE bidragsar = $bidragsar
GROUP BY bidragsar, submission_id
