"""Tasks for the worker tests, importable by the worker process by name."""

from __future__ import annotations


class TwoArgumentError(Exception):
    """An error that pickles but does not unpickle (its constructor wants two arguments),
    as some of Great Expectations' do."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"{what}: {why}")


def fail_oddly() -> None:
    raise TwoArgumentError("metric", "could not be resolved")


def echo(value: object) -> object:
    return value
