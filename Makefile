# Every target sets up .venv first if it is missing (Python 3.11, no conda needed).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export PATH := $(abspath $(VENV))/bin:$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: install demo test release bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## demo: release the labs, autograde sample submissions, print the grade table, write grades.csv + feedback
demo: install
	$(PY) -m autograder demo --out demo-out

## test: the whole suite
test: install
	$(PY) -m pytest -n 2 --dist loadfile

## release: regenerate solutions/*.ipynb and labs/ from the lab sources
release: install
	$(PY) -m autograder release

## bench: the benchmarks under bench/ (prints tables)
bench: install
	for script in bench/*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf demo-out .pytest_cache
