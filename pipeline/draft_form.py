"""A draft of next year's form from its export: `python -m pipeline draft-form YEAR EXPORT`.

Reads the new export's header (and its values, for the choice questions it cannot tell
from the header alone) beside last year's form, and writes raw/forms/YEAR/form.toml for
the analyst to review as a diff, with a summary of every change:

* a question whose header is last year's keeps its id, type, skip logic and option codes,
  under the export's number (renumbering done);
* a reworded question (a close but not equal header) gets a new id and `same_as` naming
  last year's, so the comparison tables still find it;
* options are matched by label: a new option gets a new code, a reworded one (a close
  label) keeps its code, a dropped one is listed;
* a new question gets an id from its header and a guessed type, marked for review; a
  question of last year's form that the export does not have is listed as removed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from pipeline.forms import Form, Option, Question, form_path, load_form

SIMILAR = 85  # similarity from which two headers or labels are "the same, reworded"


def similarity(a: str, b: str, **_: object) -> float:
    """Characters and words alike: "Ja, samverkar med civilsamhället" is "Ja, med
    civilsamhället" reworded (a shared prefix alone, "Ja", is not enough)."""
    return (fuzz.ratio(a, b) + fuzz.token_set_ratio(a, b)) / 2


COLUMN = re.compile(r"^(\d+(?:\.\d+)*)\.\s+(.*)$", re.S)


@dataclass
class Drafted:
    question: Question
    notes: list[str] = field(default_factory=list)


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an export as text (CSV with ; or , in UTF-8 or cp1252, or XLSX)."""
    if path.suffix.lower() == ".xlsx":
        import fastexcel

        sheet = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None)
        rows = [["" if v is None else str(v) for v in row] for row in sheet.to_polars().rows()]
    else:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        delimiter = (
            ";" if text.splitlines()[0].count(";") >= text.splitlines()[0].count(",") else ","
        )
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    return header, [r[: len(header)] for r in rows[1:] if any(c.strip() for c in r)]


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain)
    return "_".join(words[:4]) or "fraga"


def export_questions(header: list[str]) -> list[tuple[str, str, list[str]]]:
    """(number, header, option labels) per question, in the export's order."""
    groups: dict[str, list[str]] = {}
    for column in header:
        match = COLUMN.match(column)
        if match:
            groups.setdefault(match.group(1), []).append(match.group(2))
    out = []
    for number, rests in groups.items():
        if len(rests) == 1:
            out.append((number, rests[0], []))
            continue
        prefix = rests[0]
        for rest in rests[1:]:
            while not rest.startswith(prefix):
                prefix = prefix[:-1]
        cut = prefix.rfind(": ")
        out.append((number, prefix[:cut], [r[cut + 2 :] for r in rests]))
    return out


def match_options(
    old: tuple[Option, ...], labels: list[str], notes: list[str]
) -> tuple[Option, ...]:
    by_label = {o.label: o for o in old}
    used: set[str] = set()
    options = []
    for label in labels:
        found = by_label.get(label)
        if found is None and by_label:
            free = [k for k, o in by_label.items() if o.code not in used]
            best = process.extractOne(label, free, scorer=similarity)
            if best and best[1] >= SIMILAR:
                found = by_label[best[0]]
                notes.append(f"option {found.code!r} reworded: {found.label!r} → {label!r}")
        if found is None:
            code = slug(label)
            while code in used or code in {o.code for o in old}:
                code += "_ny"
            exclusive = label.lower().startswith("nej")  # "Nej, …" excludes the others
            notes.append(f"NEW option {code!r}: {label!r}" + (", exclusive" if exclusive else ""))
            options.append(Option(code, label, exclusive))
        else:
            options.append(Option(found.code, label, found.exclusive))
        used.add(options[-1].code)
    notes += [f"option {o.code!r} dropped: {o.label!r}" for o in old if o.code not in used]
    return tuple(options)


def guess_type(values: list[str]) -> tuple[str, list[str]]:
    """A new single-column question's type from its answers: numbers are counts (or
    amounts), a few distinct texts are a single choice, the rest free text."""
    answers = sorted({v.strip() for v in values if v.strip()})
    if answers and all(re.fullmatch(r"-?[\d\s\u00a0]+", a) for a in answers):
        return "count", []
    if 0 < len(answers) <= 8:
        return "single", answers
    return "text", []


def draft(year: int, export: Path, previous: Form) -> tuple[list[Drafted], list[str]]:
    header, rows = read_table(export)
    columns = {h: i for i, h in enumerate(header)}
    old_by_header = {q.header: q for q in previous.questions}
    matched: set[str] = set()
    drafted = []
    for number, text, labels in export_questions(header):
        notes: list[str] = []
        old = old_by_header.get(text)
        if old is None:
            best = process.extractOne(
                text,
                [h for h, q in old_by_header.items() if q.id not in matched],
                scorer=similarity,
            )
            if best and best[1] >= SIMILAR:
                old = old_by_header[best[0]]
                notes.append(f"reworded from {old.number}. {old.header!r}: new id, same_as")
        if old is not None and old.id not in matched:
            matched.add(old.id)
            if old.number != number:
                notes.append(f"renumbered {old.number} → {number}")
            reworded = old.header != text
            options = old.options
            if old.type == "multiple":
                options = match_options(old.options, labels, notes)
            elif old.type == "single":
                values = {r[columns[f"{number}. {text}"]].strip() for r in rows}
                known = {o.label for o in old.options}
                notes += [
                    f"answer not among the options: {v!r}" for v in sorted(values - known) if v
                ]
            drafted.append(
                Drafted(
                    Question(
                        id=f"{old.id}_{year}" if reworded else old.id,
                        number=number,
                        header=text,
                        type=old.type,
                        asked_if=old.asked_if,
                        options=options,
                        same_as={str(previous.year): old.id},
                    ),
                    notes,
                )
            )
            continue
        if labels:
            kind, options = "multiple", tuple(Option(slug(label), label) for label in labels)
        else:
            column = f"{number}. {text}"
            kind, answers = guess_type([r[columns[column]] for r in rows])
            if "(kr)" in text:
                kind = "amount"
            options = tuple(Option(slug(a), a) for a in answers)
        notes.append("NEW question: check its id, type and asked_if")
        drafted.append(Drafted(Question(slug(text), number, text, kind, "all", options), notes))
    removed = [
        f"{q.number}. {q.header} ({q.id})" for q in previous.questions if q.id not in matched
    ]
    return drafted, removed


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def render(year: int, previous: Form, drafted: list[Drafted], removed: list[str]) -> str:
    lines = [
        f"# The {year} return form, DRAFTED from the export beside the {previous.year} form by",
        "# `python -m pipeline draft-form`. Review every line marked REVIEW, then delete",
        "# the marks.",
        "# The format is described in the forms of earlier years (raw/forms/<year>/form.toml).",
    ]
    if removed:
        lines.append(f"# REVIEW: questions of {previous.year} that this export does not have:")
        lines += [f"#   {r}" for r in removed]
    shift = year - previous.year
    lines += [
        "",
        f"year = {year}",
        f"title = {toml_string(previous.title.replace(str(previous.year), str(year)))}",
        f"opened = {previous.opened.replace(year=previous.opened.year + shift)}",
        f"deadline = {previous.deadline.replace(year=previous.deadline.year + shift)}",
        "# REVIEW: the dates above are last year's moved by a year",
        "",
        "[id_columns]",
        *(f"{k} = {toml_string(v)}" for k, v in previous.id_columns.items()),
    ]
    for d in drafted:
        q = d.question
        lines += ["", *(f"# REVIEW: {n}" for n in d.notes), "[[questions]]"]
        lines += [
            f"id = {toml_string(q.id)}",
            f"number = {toml_string(q.number)}",
            f"header = {toml_string(q.header)}",
            f"type = {toml_string(q.type)}",
            f"asked_if = {toml_string(q.asked_if)}",
        ]
        if q.same_as:
            pairs = ", ".join(f"{k} = {toml_string(v)}" for k, v in q.same_as.items())
            lines.append(f"same_as = {{ {pairs} }}")
        if q.options:
            lines.append("options = [")
            for o in q.options:
                extra = ", exclusive = true" if o.exclusive else ""
                lines.append(
                    f"  {{ code = {toml_string(o.code)}, label = {toml_string(o.label)}{extra} }},"
                )
            lines.append("]")
    return "\n".join(lines) + "\n"


def write_draft(year: int, export: Path, out: Path | None = None) -> tuple[Path, list[str]]:
    """Write the draft and return its path and the summary of changes."""
    previous = load_form(year - 1)
    drafted, removed = draft(year, export, previous)
    path = out or form_path(year)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(year, previous, drafted, removed), encoding="utf-8")
    summary = [f"{d.question.number}. {d.question.id}: {n}" for d in drafted for n in d.notes]
    summary += [f"removed: {r}" for r in removed]
    return path, summary
