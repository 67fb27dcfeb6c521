"""The Swedish number and date format of the report, the workbook and the trace
(Myndigheternas skrivregler: a space groups thousands, a decimal comma, a space before %)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.swedish import counted, date, day_of, in_table, in_text, number

SP = "\u00a0"  # the no-break space: a number is never split across lines


@pytest.mark.parametrize(
    ("value", "decimals", "printed"),
    [
        (85906462, None, f"85{SP}906{SP}462"),
        (85.9, None, "85,9"),
        (85.0, None, "85"),
        (1000, None, f"1{SP}000"),
        (999, None, "999"),
        (0, None, "0"),
        (-23289537, None, f"-23{SP}289{SP}537"),
        (12.25, 1, "12,2"),  # Python's float: 12.25 is 12.2499…
        (10, 1, "10,0"),
        (None, None, "–"),
    ],
)
def test_number(value, decimals, printed):
    assert number(value, decimals) == printed


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_a_whole_number_reads_back_without_its_spaces(n):
    text = number(n)
    assert text.replace(SP, "") == str(n)
    groups = text.lstrip("-").split(SP)
    assert len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


@pytest.mark.parametrize(
    ("value", "unit", "text", "cell"),
    [
        (83, "procent", f"83{SP}%", "83"),
        (85906462, "kr", f"85{SP}906{SP}462{SP}kronor", f"85{SP}906{SP}462"),
        (85.9, "mkr", f"85,9{SP}miljoner kronor", "85,9"),
        (10.0, "mkr", f"10{SP}miljoner kronor", "10,0"),
        (247, "kommuner", "247", "247"),
        (12.5, "per 1 000", "12,5", "12,5"),
        (20240603, "datum", "3 juni 2024", "3 juni 2024"),
        (2024, "år", "2024", "2024"),
        (54, "procent_bada", f"båda 54{SP}%", "54"),
        (None, "procent", f"–{SP}%", "–"),
    ],
)
def test_a_figure_in_the_text_and_in_a_table(value, unit, text, cell):
    assert in_text(value, unit) == text
    assert in_table(value, unit) == cell


@pytest.mark.parametrize(
    ("value", "unit", "said"),
    [
        (0, "kommuner", "ingen kommun"),
        (1, "kommuner", "en kommun"),
        (3, "kommuner", "3 kommuner"),
        (1, "filer", "en fil"),
        (0, "rapporter", "ingen rapport"),
        (1200, "personer", f"1{SP}200 personer"),
        (83, "procent", f"83{SP}%"),
    ],
)
def test_a_count_with_its_noun(value, unit, said):
    assert counted(value, unit) == said


def test_dates_coded_as_figures():
    assert day_of(20241231) == dt.date(2024, 12, 31)
    assert date(20250101.0) == "1 januari 2025"
    with pytest.raises(ValueError):
        day_of(20241301)  # no thirteenth month
