# `make demo` builds the example report; `make test` runs the whole test suite; `make test-fast`
# runs the tests that render no PDF and start no process (the edit loop).
# Each creates the virtual environment (.venv) and installs what it needs on first use.

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Compiled modules (pytest's rewritten test modules too) are kept in .venv, not beside the
# sources, even where the environment sets PYTHONDONTWRITEBYTECODE: otherwise every xdist
# worker and every CLI process a test starts compiles them again.
PYCACHE := env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX=$(abspath $(VENV))/pycache

.PHONY: demo test test-fast lint check html bench clean

demo: $(STAMP)
	$(VENV)/bin/reportbuilder build . --lang all

html: $(STAMP)
	$(VENV)/bin/reportbuilder build . --format html

check: $(STAMP)
	$(VENV)/bin/reportbuilder check .

test: $(STAMP)
	bash scripts/system-deps.sh --test
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	@# mypy (~10 s of one core on a clean clone) runs beside pytest and prints its report
	@# after it; either failing fails the target. The 20 longest tests are listed at the end.
	$(VENV)/bin/mypy > $(VENV)/mypy.log 2>&1 & typing=$$!; \
	$(PYCACHE) $(PY) -m pytest -n auto --dist loadgroup --durations=20; tests=$$?; \
	wait $$typing; typed=$$?; echo "mypy:"; cat $(VENV)/mypy.log; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

test-fast: $(STAMP)
	$(PYCACHE) $(PY) -m pytest -m "not pdf and not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/bench.py

$(STAMP): pyproject.toml
	bash scripts/system-deps.sh
	@python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "reportbuilder needs Python 3.11 or newer (python3 is " + sys.version.split()[0] + ")")'
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) out build dist src/*.egg-info .pytest_cache .ruff_cache
