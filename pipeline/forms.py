"""The return form of each grant year, as data (raw/forms/<year>/form.toml)."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline.config import raw_dir as configured_raw_dir

QUESTION_TYPES = {"amount", "count", "single", "multiple", "text"}
POPULATIONS = {"all", "used", "unused", "started"}


class FormSpecError(ValueError):
    """The form specification itself is inconsistent."""


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    exclusive: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    number: str
    header: str
    type: str
    asked_if: str
    options: tuple[Option, ...] = ()
    same_as: dict[str, str] = field(default_factory=dict, hash=False)
    changed: str = ""

    @property
    def column(self) -> str:
        """The export column of a single-valued question."""
        return f"{self.number}. {self.header}"

    def option_column(self, option: Option) -> str:
        """The export column of one option of a multiple-choice question."""
        return f"{self.number}. {self.header}: {option.label}"

    def option(self, code: str) -> Option:
        for o in self.options:
            if o.code == code:
                return o
        raise KeyError(f"question {self.id} has no option {code!r}")

    @property
    def exclusive_codes(self) -> set[str]:
        return {o.code for o in self.options if o.exclusive}

    def conditions(self) -> list[tuple[str, str]]:
        """Option conditions of the skip logic: [(question id, option code), …]."""
        if self.asked_if in POPULATIONS:
            return []
        return [tuple(part.split(".", 1)) for part in self.asked_if.split("|")]


@dataclass(frozen=True)
class Form:
    year: int
    title: str
    opened: dt.date
    deadline: dt.date
    id_columns: dict[str, str] = field(hash=False)
    questions: tuple[Question, ...] = ()

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(f"the {self.year} form has no question {qid!r}")

    def has(self, qid: str) -> bool:
        return any(q.id == qid for q in self.questions)

    def columns(self) -> list[tuple[str, Question, Option | None]]:
        """Every answer column of the export, in form order, with what it holds."""
        out: list[tuple[str, Question, Option | None]] = []
        for q in self.questions:
            if q.type == "multiple":
                out += [(q.option_column(o), q, o) for o in q.options]
            else:
                out.append((q.column, q, None))
        return out

    def header(self) -> list[str]:
        ids = self.id_columns
        return [
            ids["submission_id"],
            ids["submitted_at"],
            ids["kommun"],
            *(c for c, _, _ in self.columns()),
        ]


def _question(raw: dict) -> Question:
    options = tuple(Option(**o) for o in raw.pop("options", []))
    same_as = {str(k): v for k, v in raw.pop("same_as", {}).items()}
    return Question(**raw, options=options, same_as=same_as)


def validate(form: Form) -> None:
    ids = [q.id for q in form.questions]
    if len(set(ids)) != len(ids):
        raise FormSpecError(f"{form.year}: duplicate question ids")
    columns = form.header()
    if len(set(columns)) != len(columns):
        raise FormSpecError(f"{form.year}: two questions share an export column")
    for q in form.questions:
        if q.type not in QUESTION_TYPES:
            raise FormSpecError(f"{form.year} {q.id}: unknown type {q.type!r}")
        if (q.type in {"single", "multiple"}) != bool(q.options):
            raise FormSpecError(f"{form.year} {q.id}: options go with choice questions only")
        codes = [o.code for o in q.options]
        if len(set(codes)) != len(codes):
            raise FormSpecError(f"{form.year} {q.id}: duplicate option codes")
        for qid, code in q.conditions():
            form.question(qid).option(code)  # raises for an unknown reference
        if q.asked_if not in POPULATIONS and not q.conditions():
            raise FormSpecError(f"{form.year} {q.id}: unknown asked_if {q.asked_if!r}")


def form_path(year: int, raw_dir: Path | None = None) -> Path:
    return (raw_dir or configured_raw_dir()) / "forms" / str(year) / "form.toml"


def load_form(year: int, raw_dir: Path | None = None) -> Form:
    """The year's form from raw/forms/<year>/form.toml (read once per folder)."""
    return read_form(year, raw_dir or configured_raw_dir())


@cache
def read_form(year: int, raw_dir: Path) -> Form:
    with form_path(year, raw_dir).open("rb") as f:
        raw = tomllib.load(f)
    form = Form(
        year=raw["year"],
        title=raw["title"],
        opened=raw["opened"],
        deadline=raw["deadline"],
        id_columns=raw["id_columns"],
        questions=tuple(_question(q) for q in raw["questions"]),
    )
    if form.year != year:
        raise FormSpecError(f"{form_path(year, raw_dir)} says year {form.year}")
    validate(form)
    return form
