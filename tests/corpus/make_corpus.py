"""Write the corpus of bad export files: ``python -m tests.corpus.make_corpus``.

Each file is a 2024 export with one thing wrong (or, for file-level faults, the whole file
unreadable). tests/corpus/expected.toml holds the exact outcome of each; good.csv is the
good export that sits beside every bad file in the tests.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

from pipeline.forms import load_form
from pipeline.synthetic.exports import ExportFile, Submission, cells, write_export

HERE = Path(__file__).parent
FILES = HERE / "files"
FORM = load_form(2024)
AT = dt.datetime(2025, 1, 20, 10, 15, 0)

STARTED = {
    "genomforande": "startat",
    "inriktning": {"utoka", "forbattra"},
    "malgrupper": {"80_plus"},
    "antal_personer": 400,
    "na_ut": {"direktutskick", "webb"},
    "samverkan": {"civilsamhallet"},
    "regi": "egen",
    "yrkesgrupper": {"sjukskoterska"},
    "samtalsform": {"enskilt"},
    "samtalsplats": {"hembesok", "telefon"},
    "metoder": {"mi"},
    "lotsat": {"kommunala_aktiviteter"},
    "uppfoljning": {"statistik"},
    "vidareutveckling": {"erfarenheter"},
    "syfte_uppnatt": "hog",
    "resultat_uppnatt": "ganska_hog",
    "kommentarer": None,
}


def money(rek: int, unused: int, salary: int) -> dict:
    used = rek - unused
    return {
        "rekvirerat": rek,
        "anvant": used,
        "oanvant": unused,
        "lonekostnader": salary,
        "ovriga_kostnader": used - salary,
        "skal_oanvant": "Personalbrist under hösten." if unused else None,
    }


# Real 2024 money (Bilaga 1 tabell 1) for the three municipalities the corpus uses.
GOTLAND = {**money(756_325, 0, 600_000), **STARTED}
STOCKHOLM = {**money(6_069_306, 52_255, 5_000_000), **STARTED}
GOTEBORG = {**money(3_726_302, 895_539, 2_000_000), **STARTED}


def good() -> list[Submission]:
    return [
        Submission("9000001", AT, "Region Gotland", GOTLAND),
        Submission("9000002", AT, "Stockholms kommun", STOCKHOLM),
    ]


def one(
    name: str = "Göteborgs kommun",
    answers: dict | None = None,
    at: dt.datetime = AT,
    sid: str = "9000003",
) -> list[Submission]:
    return [Submission(sid, at, name, answers or GOTEBORG)]


def csv_text(subs: list[Submission], **options) -> str:
    path = FILES / "_tmp.csv"
    write_export(ExportFile(path, FORM, subs, kind="csv", encoding="utf-8", **options))
    text = path.read_bytes().decode("utf-8")
    path.unlink()
    return text


def write(name: str, text: str | bytes) -> None:
    path = FILES / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")


def replace_cell(text: str, column: str, new: str) -> str:
    """Put `new` in `column` of the first report row (CSV written with ';')."""
    lines = text.split("\r\n")
    header = lines[0].split(";")
    cells = lines[1].split(";")
    cells[header.index(column)] = new
    lines[1] = ";".join(cells)
    return "\r\n".join(lines)


def col(qid: str, option: str | None = None) -> str:
    q = FORM.question(qid)
    return q.option_column(q.option(option)) if option else q.column


def main() -> None:
    shutil.rmtree(FILES, ignore_errors=True)
    FILES.mkdir()
    write_export(ExportFile(FILES / "good.csv", FORM, good(), kind="csv", delimiter=";"))
    base = csv_text(one(), delimiter=";")

    # --- files that cannot be read as an export at all
    write("empty.csv", "")
    write("only_header.csv", base.split("\r\n")[0] + "\r\n")
    write("truncated.csv", base[: len(base) - 300])
    write("unclosed_quote.csv", base.replace("Personalbrist", '"Personalbrist', 1))
    write("utf16.csv", base.encode("utf-16"))
    write("undefined_bytes.csv", base.encode("utf-8").replace("ä".encode(), b"\x81\x8d", 1))
    write("xlsx_really_csv.xlsx", base)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a spreadsheet")
    write("csv_really_zip.csv", buf.getvalue())
    write_export(ExportFile(FILES / "_full.xlsx", FORM, one(), kind="xlsx"))
    data = (FILES / "_full.xlsx").read_bytes()
    (FILES / "_full.xlsx").unlink()
    write("truncated.xlsx", data[: len(data) // 2])
    write_export(
        ExportFile(
            FILES / "headers_of_2023.csv",
            load_form(2023),
            [
                Submission(
                    "9000003",
                    AT,
                    "Göteborgs kommun",
                    {
                        k: v
                        for k, v in GOTEBORG.items()
                        if load_form(2023).has(k) and k not in ("uppfoljning", "vidareutveckling")
                    },
                )
            ],
            kind="csv",
            delimiter=";",
        )
    )
    header = base.split("\r\n")[0].split(";")
    write(
        "missing_column.csv",
        "\r\n".join(
            ";".join(c for i, c in enumerate(line.split(";")) if i != 5)
            for line in base.split("\r\n")
        ),
    )
    write(
        "extra_column.csv",
        "\r\n".join(
            line + (";Kommentar från handläggare" if i == 0 else ";" if line else "")
            for i, line in enumerate(base.split("\r\n"))
        ),
    )
    write("duplicate_column.csv", base.replace(header[4], header[3], 1))
    write("not_an_export.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    # --- readable files whose report breaks a rule
    write("unknown_municipality.csv", csv_text(one(name="Atlantis kommun"), delimiter=";"))
    write("bad_timestamp.csv", replace_cell(base, "Inskickad", "20/01/2025 10.15"))
    write("text_in_amount.csv", replace_cell(base, col("lonekostnader"), "två miljoner"))
    write("decimal_amount.csv", replace_cell(base, col("lonekostnader"), "2 000 000,50"))
    write("thousands_as_decimal.csv", replace_cell(base, col("rekvirerat"), "3.726.302"))
    write(
        "negative_amount.csv",
        csv_text(one(answers={**GOTEBORG, "antal_personer": -5}), delimiter=";"),
    )
    write(
        "unused_exceeds_requisitioned.csv",
        csv_text(
            one(
                answers={
                    **GOTEBORG,
                    **money(3_726_302, 3_800_000, 0),
                    "anvant": 0,
                    "lonekostnader": None,
                    "ovriga_kostnader": None,
                    **{k: None for k in STARTED},
                }
            ),
            delimiter=";",
        ),
    )
    write(
        "over_allocation_key.csv",
        csv_text(
            one(answers={**GOTEBORG, **money(3_900_000, 1_069_237, 2_000_000)}), delimiter=";"
        ),
    )
    write(
        "used_does_not_add_up.csv",
        csv_text(
            one(answers={**GOTEBORG, "anvant": 2_900_000, "ovriga_kostnader": 900_000}),
            delimiter=";",
        ),
    )
    write(
        "costs_do_not_add_up.csv",
        csv_text(one(answers={**GOTEBORG, "ovriga_kostnader": 1}), delimiter=";"),
    )
    write(
        "exclusive_both_ticked.csv",
        csv_text(one(answers={**GOTEBORG, "samverkan": {"civilsamhallet", "nej"}}), delimiter=";"),
    )
    write(
        "skip_logic_broken.csv",
        csv_text(one(answers={**GOTEBORG, "genomforande": "forberett"}), delimiter=";"),
    )
    # Asked only when an option was ticked: text for "another method" without ticking it
    # breaks the skip logic; with it ticked, the same text is clean.
    write(
        "skip_logic_option_not_ticked.csv",
        csv_text(one(answers={**GOTEBORG, "metod_annan": "Egen samtalsmodell"}), delimiter=";"),
    )
    write(
        "skip_logic_option_ticked.csv",
        csv_text(
            one(
                answers={
                    **GOTEBORG,
                    "metoder": {"mi", "annan"},
                    "metod_annan": "Egen samtalsmodell",
                }
            ),
            delimiter=";",
        ),
    )
    write("option_not_0_or_1.csv", replace_cell(base, col("metoder", "mi"), "kanske"))
    write("unknown_single_choice.csv", replace_cell(base, col("regi"), "Någon annan"))
    write("before_form_opened.csv", csv_text(one(at=dt.datetime(2024, 6, 1, 9, 0)), delimiter=";"))
    write("duplicate_submission.csv", csv_text(one() + one(sid="9000004"), delimiter=";"))
    write(
        "formula_in_free_text.csv",
        csv_text(
            one(
                answers={**GOTEBORG, "kommentarer": '=HYPERLINK("http://example.invalid","klicka")'}
            ),
            delimiter=";",
        ),
    )
    write(
        "markup_in_free_text.csv",
        csv_text(
            one(answers={**GOTEBORG, "kommentarer": "<script>alert('x')</script> & <b>fet</b>"}),
            delimiter=";",
        ),
    )
    write(
        "persons_implausible.csv",
        csv_text(one(answers={**GOTEBORG, "antal_personer": 250_000}), delimiter=";"),
    )
    write("late_report.csv", csv_text(one(at=dt.datetime(2025, 3, 2, 8, 0)), delimiter=";"))
    write_integrity_cases(base)
    for p in sorted(FILES.iterdir()):
        print(p.name)


def xlsx_bytes(subs: list[Submission], edit=None, sheets: tuple[str, ...] = ()) -> bytes:
    """An XLSX export of the reports; `edit(worksheet, header)` changes it, `sheets` are
    empty sheets placed before the one with the reports."""
    import xlsxwriter

    path = FILES / "_tmp.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"created": dt.datetime(2025, 1, 1), "author": "Enkätverktyg"})
    for name in sheets:
        wb.add_worksheet(name)
    ws = wb.add_worksheet("Svar")
    header = FORM.header()
    ws.write_row(0, 0, header)
    for r, sub in enumerate(subs, start=1):
        for c, value in enumerate(cells(FORM, sub)):
            if isinstance(value, dt.datetime):
                ws.write_string(r, c, value.strftime("%Y-%m-%d %H:%M:%S"))
            elif value is not None:
                ws.write(r, c, value)
    if edit:
        edit(ws, header)
    wb.close()
    data = path.read_bytes()
    path.unlink()
    return data


def write_integrity_cases(base: str) -> None:
    """Issue 14's classes of input: identities resolved or refused, Svars-ID conflicts,
    numbers by the Swedish rule, times, files an analyst's tools produce."""
    # --- identities that resolve: the report is clean
    write("org_stad.csv", replace_cell(base, "Organisation", "Göteborgs stad"))
    write("org_kommunkod.csv", replace_cell(base, "Organisation", "1480"))
    write("org_nbsp.csv", replace_cell(base, "Organisation", " Göteborgs\u00a0 kommun\u200b"))
    write("org_lower_case.csv", replace_cell(base, "Organisation", "GÖTEBORG"))
    write("iso_timestamp.csv", replace_cell(base, "Inskickad", "2025-01-20T10:15:00"))
    write("iso_timestamp_utc.csv", replace_cell(base, "Inskickad", "2025-01-20T09:15:00Z"))
    # --- identities that do not: an error that blocks publication
    write("org_ambiguous_code.csv", replace_cell(base, "Organisation", "9999"))
    write("empty_svars_id.csv", replace_cell(base, "Svars-ID", " "))
    write("not_in_ledger.csv", csv_text(one(name="Habo kommun"), delimiter=";"))
    # --- the same Svars-ID more than once in one file
    write("same_report_twice.csv", csv_text(one() + one(), delimiter=";"))
    write(
        "same_id_same_time_different_content.csv",
        csv_text(one() + one(answers={**GOTEBORG, "antal_personer": 99}), delimiter=";"),
    )
    write(
        "same_id_edited_later.csv",
        csv_text(
            one() + one(answers={**GOTEBORG, "antal_personer": 99}, at=AT + dt.timedelta(days=1)),
            delimiter=";",
        ),
    )
    write(
        "id_of_another_municipality.csv",
        csv_text(one(sid="9000001", at=AT + dt.timedelta(hours=1)), delimiter=";"),
    )
    # --- numbers by the Swedish rule
    write("persons_period_thousands.csv", replace_cell(base, col("antal_personer"), "1.000"))
    write("persons_comma_thousands.csv", replace_cell(base, col("antal_personer"), "2,000"))
    write("persons_bad_grouping.csv", replace_cell(base, col("antal_personer"), "1 40 3"))
    write(
        "amounts_with_spaces.csv",
        replace_cell(
            replace_cell(base, col("lonekostnader"), "2\u00a0000\u00a0000"),
            col("rekvirerat"),
            "3 726 302,00",
        ),
    )
    write("minus_sign_amount.csv", replace_cell(base, col("antal_personer"), "−5"))

    def formula_in_persons(ws, header):
        ws.write_formula(1, header.index(col("antal_personer")), "=200*2", None, 400)

    def formula_in_organisation(ws, header):
        ws.write_formula(1, header.index("Organisation"), '="Göteborgs "&"kommun"')

    write("formula_cell.xlsx", xlsx_bytes(one(), formula_in_persons))
    write("formula_organisation.xlsx", xlsx_bytes(one(), formula_in_organisation))
    # --- time
    write("submitted_in_future.csv", replace_cell(base, "Inskickad", "2099-01-20 10:15:00"))
    # --- files as analysts' tools write them
    write("bom_only.csv", b"\xef\xbb\xbf")
    write("excel_sep_line.csv", "sep=;\r\n" + base)
    write(
        "trailing_delimiters.csv",
        "\r\n".join(line + ";" if line else line for line in base.split("\r\n")),
    )
    write("title_row.csv", "Export från enkätverktyget 2025-02-03;;\r\n" + base)
    long_text = "Personalbrist " * 10_000  # 140 000 characters in one field
    write("field_over_limit.csv", base.replace("Personalbrist", '"' + long_text, 1))
    cp1252_byte = base.encode("utf-8").replace("Göteborgs".encode(), "Göteborgs".encode("cp1252"))
    write("mixed_encoding.csv", cp1252_byte)
    write("second_sheet.xlsx", xlsx_bytes(one(), sheets=("Instruktioner",)))
    # --- rules of issue 14
    write(
        "independent_provider_over_used.csv",
        csv_text(
            one(answers={**GOTEBORG, "regi": "fristaende", "belopp_fristaende": 3_000_000}),
            delimiter=";",
        ),
    )
    for name, text in (
        ("javascript_link_in_free_text.csv", "Se [länk](javascript:alert(1)) för mer"),
        ("typst_in_free_text.csv", 'Bra år #import "x.typ": * och mer'),
        ("markdown_code_in_free_text.csv", "Kör `rm -rf` inte"),
        ("hidden_formula_in_free_text.csv", "\u200b=1+1"),
        ("full_width_formula_in_free_text.csv", '＝HYPERLINK("x")'),
    ):
        write(name, csv_text(one(answers={**GOTEBORG, "kommentarer": text}), delimiter=";"))


if __name__ == "__main__":
    main()
