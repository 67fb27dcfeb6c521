# The two commands: `make report` builds everything from raw/, `make test` runs the tests.
# Both create the locked environment (.venv, from uv.lock) the first time.

UV_VERSION := 0.13.8
TOOLS      := build/.tools
UV         := $(TOOLS)/bin/uv
PY         := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never

.PHONY: report test env lint dev clean

report: env
	$(PY) -m pipeline build

test: env
	$(PY) -m pytest

lint: env
	$(PY) -m ruff check pipeline tests
	$(PY) -m ruff format --check pipeline tests

dev: env
	DAGSTER_HOME=$(CURDIR) .venv/bin/dagster dev

env: .venv/.synced

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	@touch $@

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION)

clean:
	rm -rf build
