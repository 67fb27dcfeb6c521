"""Swedish number format, used everywhere in the report and the workbook's labels.

House style: a no-break space groups thousands ("85 906 462"), a decimal comma ("85,9"),
a no-break space before the per cent sign ("83 %").
"""

from __future__ import annotations

import datetime as dt

NBSP = "\u00a0"

UNIT_WORDS = {"kr": "kronor", "mkr": "miljoner kronor", "procent": "%"}
# A share that two, or more, answers have in common (sql/tables/bedomningar.sql).
TIED = {"procent_bada": "båda", "procent_alla": "alla"}
# Counted nouns: none, one, many ("ingen fil", "en fil", "3 filer").
NOUNS = {
    "kommuner": ("ingen kommun", "en kommun", "kommuner"),
    "filer": ("ingen fil", "en fil", "filer"),
    "rapporter": ("ingen rapport", "en rapport", "rapporter"),
    "personer": ("ingen person", "en person", "personer"),
}


def number(value: float | int | None, decimals: int | None = None) -> str:
    """85906462 → '85 906 462'; 85.9 → '85,9'; None → '–'."""
    if value is None:
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def day_of(value: float | int) -> dt.date:
    """A date as the figures code it (unit 'datum', YYYYMMDD): 20240603 → 2024-06-03."""
    code = int(value)
    return dt.date(code // 10000, code // 100 % 100, code % 100)


def date(value: float | int) -> str:
    """A date coded YYYYMMDD as Swedish prose: 20240603 → '3 juni 2024'."""
    day = day_of(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def in_text(value: float | int | None, unit: str) -> str:
    """A figure as the running text prints it: '83 %', '85 906 462 kronor', '247'."""
    if value is not None and unit == "datum":
        return date(value)
    if value is not None and unit == "år":
        return str(int(value))
    if unit in TIED:
        return f"{TIED[unit]} {in_text(value, 'procent')}"
    # "10 miljoner kronor", not "10,0 miljoner kronor"
    whole = value is not None and float(value).is_integer()
    decimals = 1 if (unit == "mkr" and not whole) or unit == "per 1 000" else None
    text = number(value, decimals)
    word = UNIT_WORDS.get(unit)
    return f"{text}{NBSP}{word}" if word else text


def in_table(value: float | int | None, unit: str) -> str:
    """A figure as a table cell prints it: the unit stands in the column header."""
    if value is not None and unit in ("datum", "år"):
        return in_text(value, unit)
    return number(value, 1 if unit in ("mkr", "per 1 000") else None)


def counted(value: float | int | None, unit: str) -> str:
    """A count with its noun, as a sentence says it: 'ingen kommun', 'en kommun',
    '3 kommuner'. Units without a counted noun print as in_text does."""
    if value is None or unit not in NOUNS:
        return in_text(value, unit)
    none, one, many = NOUNS[unit]
    if value == 0:
        return none
    if value == 1:
        return one
    return f"{number(value)} {many}"
