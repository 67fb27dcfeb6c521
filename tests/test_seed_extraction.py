"""The extraction from the OCR'd seeds: reproducible, and each OCR trap handled by rule."""

from __future__ import annotations

import pytest

from pipeline.config import raw_dir, settings
from pipeline.seeds.extract import (
    ExtractionError,
    Kommun,
    candidates,
    extract,
    load_kommuner,
    number_groupings,
    parse_bilaga1_tabell1,
    read_money,
)

needs_seeds = pytest.mark.skipif(
    not settings().seeds.exists(), reason="../shared/seeds not present"
)


@needs_seeds
def test_extraction_reproduces_the_committed_files_byte_for_byte():
    for path, text in extract(settings().seeds, raw_dir()).items():
        assert (raw_dir() / path).read_text(encoding="utf-8") == text, path


def test_digit_groupings_follow_thousands_separators():
    readings = list(number_groupings(["1248", "871", "1248", "871", "0", "0"], 4))
    assert [1248871, 1248871, 0, 0] in readings
    # A number continues only with 3-digit groups: "0 513" can't be read as 513.
    assert [112513, 0, 513, 0] in list(number_groupings(["112513", "0", "513", "0"], 4))
    assert all(g[1] != 513 for g in number_groupings(["112513", "0", "513", "0"], 4))


def test_split_digits_resolve_to_the_one_consistent_reading():
    # "Alvesta kommun 192689 192 689 0 0": 192 689 192 / 689 is not a valid key.
    assert read_money(["192689", "192", "689", "0", "0"], 1) == (192689, 192689, 0, 0)
    assert read_money(["6", "069", "306", "6", "069", "306", "52", "255", "1"], 1) == (
        6069306,
        6069306,
        52255,
        1,
    )


def test_digits_that_fit_no_reading_are_an_error():
    with pytest.raises(ExtractionError, match="0 consistent readings"):
        read_money(["471968", "471968", "0", "7"], 99)


KOMMUNER = load_kommuner(raw_dir() / "reference" / "kommuner.csv")


@pytest.mark.parametrize(
    ("ocr", "code"),
    [
        ("Ekeré6 kommun", "0125"),
        ("Hoé6rs kommun", "1267"),
        ("sjbo kommun", "1265"),
        ("Néssjé kommun", "0682"),
        ("Orebro kommun", "1880"),
        ("Region Gotland", "0980"),
    ],
)
def test_damaged_names_resolve(ocr, code):
    assert [k.kommunkod for k in candidates(ocr, KOMMUNER)] == [code]


@pytest.fixture
def without_totals(monkeypatch):
    """Parse table excerpts: the check against the published totals is for the whole table."""
    import pipeline.seeds.extract as ex

    monkeypatch.setattr(ex, "check_bilaga1", lambda rows, total: None)


def test_habo_and_habo_tie_and_the_alphabetical_position_decides(without_totals):
    assert {k.kommunkod for k in candidates("Habo kommun", KOMMUNER)} == {"0305", "0643"}
    table = "\n".join(
        [
            "Tabell 1. Férdelning och anvandning av statsbidraget",
            "Hylte kommun 99418 99418 0 0",
            "Habo kommun 163 291 163 291 986 1",
            "Harjedalens kommun 124 540 124 540 0 0",
            "Totalt",
        ]
    )
    rows = parse_bilaga1_tabell1(table, KOMMUNER)
    # Sorted after Hylte and before Härjedalen, "Habo" can only be Håbo.
    assert [r.kommunkod for r in rows] == ["1315", "0305", "2361"]


def test_page_end_rows_and_wrapped_names_are_joined(without_totals):
    table = "\n".join(
        [
            "Tabell 1. Férdelning och anvandning av statsbidraget",
            "Eskilstuna kommun 946 609 946 609 0 0",
            "291 305 291 305 177716 61",
            "",
            "Eslévs kommun",
            " Mottagare Fordelnings-  Rekvirerat Oanvant Oanvant",
            "Hallstahammars 229303 229303 0 0",
            "kommun",
            "Halmstads kommun 1013956 1013956 778 483 77",
            "Totalt",
        ]
    )
    rows = parse_bilaga1_tabell1(table, KOMMUNER)
    assert [(r.kommunkod, r.oanvant_kr) for r in rows] == [
        ("0484", 0),
        ("1285", 177716),
        ("1961", 0),
        ("1380", 778483),
    ]


def test_unknown_name_is_an_error():
    with pytest.raises(ExtractionError, match="Atlantis"):
        candidates("Atlantis kommun", [Kommun("0001", "Aneby", "Aneby kommun")])
