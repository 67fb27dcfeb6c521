"""The form specification as warehouse tables, so that SQL models can read it."""

from __future__ import annotations

import json

import duckdb
import polars as pl

from pipeline.db import replace_partition
from pipeline.forms import Form


def form_columns(form: Form) -> pl.DataFrame:
    ids = [(k, v) for k, v in form.id_columns.items()]
    rows = [(form.year, i, col, f"_{key}", "id", None) for i, (key, col) in enumerate(ids)]
    for i, (col, q, option) in enumerate(form.columns(), start=len(rows)):
        rows.append((form.year, i, col, q.id, q.type, option.code if option else None))
    return pl.DataFrame(
        rows,
        orient="row",
        schema={
            "bidragsar": pl.Int32,
            "position": pl.Int32,
            "column_name": pl.String,
            "question_id": pl.String,
            "question_type": pl.String,
            "option_code": pl.String,
        },
    )


def form_options(form: Form) -> pl.DataFrame:
    rows = [
        (form.year, q.id, i, o.code, o.label, o.exclusive)
        for q in form.questions
        for i, o in enumerate(q.options)
    ]
    return pl.DataFrame(
        rows,
        orient="row",
        schema={
            "bidragsar": pl.Int32,
            "question_id": pl.String,
            "position": pl.Int32,
            "option_code": pl.String,
            "option_label": pl.String,
            "exclusive": pl.Boolean,
        },
    )


def form_questions(form: Form) -> pl.DataFrame:
    rows = [
        (
            form.year,
            i,
            q.id,
            q.number,
            q.header,
            q.type,
            q.asked_if,
            json.dumps(q.same_as, ensure_ascii=False),
            q.changed,
        )
        for i, q in enumerate(form.questions)
    ]
    return pl.DataFrame(
        rows,
        orient="row",
        schema={
            "bidragsar": pl.Int32,
            "position": pl.Int32,
            "question_id": pl.String,
            "number": pl.String,
            "header": pl.String,
            "question_type": pl.String,
            "asked_if": pl.String,
            "same_as": pl.String,
            "changed": pl.String,
        },
    )


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
