"""The form specification as warehouse tables, so that SQL models can read it."""

from __future__ import annotations

import json

import duckdb
import polars as pl

from pipeline.db import replace_partition
from pipeline.forms import Form

# The columns of each table, in order (reference.<name>).
S, N, B = pl.String, pl.Int32, pl.Boolean  # text, number, yes/no
SCHEMAS = {
    "form_columns": {
        "bidragsar": N, "position": N, "column_name": S, "question_id": S,
        "question_type": S, "option_code": S,
    },
    "form_options": {
        "bidragsar": N, "question_id": S, "position": N, "option_code": S,
        "option_label": S, "exclusive": B,
    },
    "form_questions": {
        "bidragsar": N, "position": N, "question_id": S, "number": S, "header": S,
        "question_type": S, "asked_if": S, "same_as": S, "changed": S,
    },
}  # fmt: skip


def form_columns(form: Form) -> pl.DataFrame:
    ids = [(k, v) for k, v in form.id_columns.items()]
    rows = [(form.year, i, col, f"_{key}", "id", None) for i, (key, col) in enumerate(ids)]
    for i, (col, q, option) in enumerate(form.columns(), start=len(rows)):
        rows.append((form.year, i, col, q.id, q.type, option.code if option else None))
    return pl.DataFrame(rows, orient="row", schema=SCHEMAS["form_columns"])


def form_options(form: Form) -> pl.DataFrame:
    rows = [
        (form.year, q.id, i, o.code, o.label, o.exclusive)
        for q in form.questions
        for i, o in enumerate(q.options)
    ]
    return pl.DataFrame(rows, orient="row", schema=SCHEMAS["form_options"])


def form_questions(form: Form) -> pl.DataFrame:
    rows = [
        (form.year, i, q.id, q.number, q.header, q.type, q.asked_if,
         json.dumps(q.same_as, ensure_ascii=False), q.changed)
        for i, q in enumerate(form.questions)
    ]  # fmt: skip
    return pl.DataFrame(rows, orient="row", schema=SCHEMAS["form_questions"])


def form_window(form: Form) -> pl.DataFrame:
    """When the form was open: submissions before it are impossible, after it late."""
    return pl.DataFrame(
        {"bidragsar": [form.year], "opened": [form.opened], "deadline": [form.deadline]},
        schema={"bidragsar": pl.Int32, "opened": pl.Date, "deadline": pl.Date},
    )


def store_form(con: duckdb.DuckDBPyConnection, form: Form) -> dict[str, pl.DataFrame]:
    """Write the year's form into reference.form_columns, form_options, form_questions and
    form_window (other years untouched); returns the frames written, by table."""
    tables = {
        "reference.form_columns": form_columns(form),
        "reference.form_options": form_options(form),
        "reference.form_questions": form_questions(form),
        "reference.form_window": form_window(form),
    }
    for table, df in tables.items():
        replace_partition(con, table, form.year, df)
    return tables
